@section-2 @readonly
Feature: Configuration requirements (runbook sections 2 and 3)
  HAMN needs the same operating system, xCAT and database versions on both management
  nodes, and both in one subnet so broadcast services (DHCP) work after failover. The
  primary is set up first, with xCAT's database in DB2 (section 3). These checks change
  nothing.

  Scenario: Both management nodes run the same operating system level
    Then the primary and the standby run the same operating system level

  Scenario: Both management nodes run the same xCAT version
    Then the primary and the standby run the same xCAT version

  Scenario: Both management nodes run the same database level
    Then the primary and the standby run the same database level

  Scenario: Both management nodes sit in one subnet
    Then the primary and the standby are in one subnet

  @section-3 @db2
  Scenario: The primary management node keeps the xCAT database in DB2
    Then the primary holds the xCAT database in DB2
