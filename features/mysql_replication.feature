@section-5.3 @mysql
Feature: MariaDB replication of the xCAT database (runbook section 5.3)
  The runbook links MySQL's replication chapter and stops there. Done as MariaDB documents
  it: the binary log on both MNs, a consistent copy of xcatdb on the standby, and the
  standby a read-only replica using GTIDs. Failover promotes the replica.

  @destructive
  Scenario: A wrong database name is refused and nothing changes
    Given the cluster's database is MariaDB
    And the crontabs of the management nodes are recorded
    When MariaDB replication is set up for the database "nosuchdb"
    Then it is refused with "no MariaDB database 'nosuchdb'"
    And the crontabs of the management nodes are unchanged

  @destructive
  Scenario: The standby becomes a read-only GTID replica of the primary
    Given the cluster's database is MariaDB
    When MariaDB replication is set up
    Then the standby replicates the primary with GTIDs
    And the standby is less than 10 seconds behind the primary
    And the standby's MariaDB is read-only
    And the standby's MariaDB database has the primary's tables and row counts

  @destructive
  Scenario: Replication without a password is refused and nothing changes
    Given the cluster's database is MariaDB
    And the management nodes are in their operating state
    When MariaDB replication is set up without a password
    Then it is refused with "missing credential"
    And the standby replicates the primary with GTIDs

  @destructive @section-5.1.9
  Scenario: A testnode added through xcatd on the primary is applied on the standby
    Given the cluster's database is MariaDB
    And the management nodes are in their operating state
    When the primary's xcatd is started
    And the testnode is added on the primary
    And the standby has applied the primary's transactions
    # the replica is read-only until promoted: looked up in SQL, not through xcatd
    Then the testnode is in the standby's database
    When the testnode is deleted on the primary
    And the standby has applied the primary's transactions
    Then the testnode is not in the standby's database

  @readonly
  Scenario: MariaDB replication is healthy
    Given the cluster's database is MariaDB
    And the management nodes are in their operating state
    Then the standby replicates the primary with GTIDs
    And the standby is less than 10 seconds behind the primary

  @destructive @section-8 @section-5.1.9
  Scenario: Failover promotes the replica, whose xcatd finds the testnode
    Given the cluster's database is MariaDB
    And the management nodes are in their operating state
    When the primary's xcatd is started
    And the testnode is added on the primary
    And the standby has applied the primary's transactions
    And the MariaDB replica is promoted
    Then the promotion succeeded
    And the standby is no longer a replica
    And the standby's MariaDB is writable
    When the standby's xcatd is started
    Then the testnode is defined on the standby with its attributes
    When the standby's xcatd is stopped
    And the MariaDB replica is promoted
    Then it is refused with "not a replica"
    When the testnode is deleted on the primary
    And MariaDB replication is set up
    Then the standby replicates the primary with GTIDs
    And the testnode is not in the standby's database
