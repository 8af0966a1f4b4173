@section-5.1 @db2
Feature: DB2 HADR setup and verification (runbook 5.1.1 to 5.1.8)
  The xCAT database is replicated from the primary to the standby MN with DB2 HADR:
  disconnect the clients (5.1.1), enable log retention (5.1.2), back up the primary (5.1.3),
  restore on the standby (5.1.4), register the HADR ports (5.1.5), set the HADR parameters
  from the cluster description (5.1.6) and start HADR, standby first (5.1.7). HADR can be in
  a wrong state even when START HADR succeeded, so 5.1.8 checks Role, State and
  ConnectStatus through db2pd and through the database snapshot.

  @section-5.1.1 @section-5.1.2 @section-5.1.3 @section-5.1.4 @section-5.1.5 @section-5.1.6
  @section-5.1.7 @destructive
  Scenario: Set up HADR between the two management nodes
    When HADR is set up between the primary and the standby
    Then the primary is HADR Primary in Peer state and Connected according to db2pd
    And the standby is HADR Standby in Peer state and Connected according to db2pd

  @section-5.1.1 @section-5.1.7 @destructive
  Scenario: Setting up HADR on a pair already in peer changes nothing
    Given the management nodes are in their operating state
    When HADR is set up between the primary and the standby
    Then the setup reports that nothing changed

  @section-5.1.2 @readonly
  Scenario: The primary's database keeps its logs for HADR
    Given the management nodes are in their operating state
    Then the primary's database keeps its logs for HADR

  @section-5.1.5 @readonly
  Scenario: The HADR service ports are registered on both management nodes
    Given the management nodes are in their operating state
    Then the HADR services are registered in /etc/services on the primary
    And the HADR services are registered in /etc/services on the standby

  @section-5.1.6 @readonly
  Scenario: Both databases carry the HADR parameters of the cluster description
    Given the management nodes are in their operating state
    Then the primary's database configuration shows its HADR parameters
    And the standby's database configuration shows its HADR parameters

  @section-5.1.8 @readonly
  Scenario: HADR is operating according to db2pd
    Given the management nodes are in their operating state
    Then the primary is HADR Primary in Peer state and Connected according to db2pd
    And the standby is HADR Standby in Peer state and Connected according to db2pd

  @section-5.1.8 @readonly
  Scenario: HADR is operating according to the database snapshot
    Given the management nodes are in their operating state
    Then the primary is HADR Primary in Peer state and Connected according to the snapshot
    And the standby is HADR Standby in Peer state and Connected according to the snapshot
