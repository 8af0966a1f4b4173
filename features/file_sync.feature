@filesync
Feature: Files kept in step between the management nodes (runbook section 6)
  The standby can take over only with what it holds: the primary's SSL credentials and ssh
  keys (6.1), the node deployment packages under the site's installdir (6.2), and the
  /etc/hosts and /etc/resolv.conf that xCAT commands depend on (6.3). The runbook copies
  them with rsync from root's crontab on the primary; these scenarios install those entries,
  compare both copies file by file, and show what the files are for.

  @section-6.1 @section-6.2 @section-6.3 @destructive
  Scenario: The runbook's cron entries are installed once, beside the admin's own jobs
    Given root's crontab on the primary holds a job of the admin's
    When the file synchronisation entries are installed on the primary
    And the file synchronisation entries are installed on the primary again
    Then root's crontab on the primary holds each file synchronisation entry once
    And the job of the admin's is still in root's crontab on the primary

  @section-6.1 @section-6.2 @section-6.3 @destructive
  Scenario: Removing the cron entries leaves the admin's jobs alone
    Given root's crontab on the primary holds a job of the admin's
    When the file synchronisation entries are removed from the primary
    Then root's crontab on the primary holds no file synchronisation entry
    And the job of the admin's is still in root's crontab on the primary
    When the file synchronisation entries are installed on the primary
    Then root's crontab on the primary holds each file synchronisation entry once

  # The standby's xcatd is started briefly against its own copy of the database: a DB2 HADR
  # standby refuses that (SQL1776N), so on DB2 clusters failover.feature checks the service
  # node against the new MN instead.
  @section-6.1 @destructive @postgres @mysql @sqlite
  Scenario: After a sync the service node is accepted by the standby's xcatd
    When the files of section 6.1 are synchronised now
    Then the drift check of section 6.1 is empty
    And the service node is accepted by the standby's xcatd

  @section-6.1 @destructive @postgres @mysql @sqlite
  Scenario: Credentials out of step are named, and the standby's xcatd refuses the service node
    Given the standby's copy of the CA certificate xcatd trusts is out of step
    Then the drift check of section 6.1 names /etc/xcat/cert/ca.pem
    And the service node is refused by the standby's xcatd
    When the files of section 6.1 are synchronised now
    Then the drift check of section 6.1 is empty
    And the service node is accepted by the standby's xcatd

  @section-6.1 @readonly
  Scenario: Key material stays private on both management nodes
    Then the key material is readable by its owner only on both management nodes

  @section-6.2 @destructive @rsync-install
  Scenario: A file added under the install directory drifts until the sync carries it over
    Given a probe file under the install directory on the primary
    Then the drift check of section 6.2 reports the probe file missing on the standby
    When the files of section 6.2 are synchronised now
    Then the probe file is on the standby
    And the drift check of section 6.2 is empty

  @section-6.2 @readonly
  Scenario: The install directory matches on both management nodes
    Then the drift check of section 6.2 is empty

  @section-6.3 @readonly
  Scenario: /etc/hosts and /etc/resolv.conf match on both management nodes
    Then the drift check of section 6.3 is empty

  @section-6.3 @destructive
  Scenario: A node added to /etc/hosts on the primary drifts until synchronised
    Given a node is added to /etc/hosts on the primary
    Then the drift check of section 6.3 names /etc/hosts
    When the files of section 6.3 are synchronised now
    Then the drift check of section 6.3 is empty
