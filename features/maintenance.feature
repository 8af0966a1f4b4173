@section-7
Feature: Cluster maintenance with a standby management node (runbook section 7)
  Any software update on the primary is done on the standby too (7.1), and files modified
  on the primary are synchronised by hand at once rather than at the next cron slot (7.2).

  @readonly
  Scenario: The standby runs the primary's software levels
    Then the standby runs the primary's OS level, xCAT version, database level and packages

  @destructive @fault
  Scenario: An update done on the primary only is named by the parity check
    Given the standby's OS level differs from the primary's
    Then the software parity check names the OS level

  @destructive @filesync @rsync-install
  Scenario: Files modified on the primary reach the standby by a manual sync
    Given a node is added to /etc/hosts on the primary
    And a probe file under the install directory on the primary
    When the files of every section are synchronised now
    Then the drift check of every section is empty
    And the probe file is on the standby
