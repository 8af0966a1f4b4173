@section-4 @readonly
Feature: Standby management node prerequisites (runbook section 4)
  After the standby MN has been installed like the primary, four things must hold
  before replication and file synchronisation are set up. These checks change nothing.

  Scenario: Each management node resolves the other's hostname
    Then the primary resolves the standby's hostname
    And the standby resolves the primary's hostname

  Scenario: The management nodes trust each other over ssh
    Then the primary reaches the standby by ssh without a password
    And the standby reaches the primary by ssh without a password

  Scenario: The management nodes' clocks are synchronised
    Then the clocks of the primary and the standby agree within the tolerance

  Scenario: xcatd and DHCP are stopped on the standby
    Then xcatd is stopped on the standby
    And DHCP is stopped on the standby

  Scenario: The standby's database is the same product and level as the primary's
    Then the standby's database is the same product and level as the primary's
