@section-5.1.10 @db2
Feature: Useful HADR commands (runbook 5.1.10)
  Stopping HADR on the standby leaves its database roll-forward pending (SQL1117N on
  activation) until ROLLFORWARD ... COMPLETE; GET DB CFG shows the configuration; TAKEOVER
  HADR switches the roles, BY FORCE only when the primary is not functional.

  @readonly
  Scenario: The database configuration shows the HADR parameters
    Given the management nodes are in their operating state
    Then the primary's database configuration shows its HADR parameters
    And the standby's database configuration shows its HADR parameters

  @destructive
  Scenario: Stopping HADR on the standby and recovering its database
    Given the management nodes are in their operating state
    When HADR is stopped on the standby
    Then activating the database on the standby fails with SQL1117N
    When the standby's database is rolled forward to the end of logs and completed
    Then the standby's database is not roll-forward pending
    When HADR is set up between the primary and the standby
    Then HADR is in Peer state with the primary as Primary

  @destructive
  Scenario: Graceful takeover and back
    Given the management nodes are in their operating state
    When the standby takes over the HADR primary role
    Then HADR is in Peer state with the standby as Primary
    When the primary takes over the HADR primary role
    Then HADR is in Peer state with the primary as Primary

  @destructive
  Scenario: Takeover by force with the primary down
    Given the management nodes are in their operating state
    When the primary's DB2 instance is stopped
    And the standby takes over the HADR primary role by force
    Then the standby's database is the HADR Primary
    When the primary's DB2 instance is started
    And the primary rejoins HADR as the standby
    Then HADR is in Peer state with the standby as Primary
    When the primary takes over the HADR primary role
    Then HADR is in Peer state with the primary as Primary
