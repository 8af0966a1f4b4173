@section-5.2 @postgres
Feature: PostgreSQL replication of the xCAT database (runbook section 5.2)
  As documented: cron entries dump xcatdb on the primary (postgres, pg_dump -F t), copy the
  dump to the standby (root) and restore it there (postgres, pg_restore -c -d xcatdb).
  PostgreSQL keeps running on the standby, as pg_restore needs; only xcatd is stopped.
  Better: streaming replication to a hot standby through a replication slot, failover by
  promotion. The cluster description's pg_method chooses; each scenario names its method.

  # --- as documented: the dump chain ---------------------------------------------------

  @destructive
  Scenario: A wrong database name is refused and nothing changes
    Given the cluster's database is PostgreSQL replicated by dump
    And the crontabs of the management nodes are recorded
    When the PostgreSQL dump chain is installed for the database "nosuchdb"
    Then it is refused with "no PostgreSQL database 'nosuchdb'"
    And the crontabs of the management nodes are unchanged

  @destructive
  Scenario: The dump, copy and restore entries are installed once, next to the site's own
    Given the cluster's database is PostgreSQL replicated by dump
    And root's crontab on the primary has a line of its own
    When the PostgreSQL dump chain is installed
    And the PostgreSQL dump chain is installed
    Then the PostgreSQL dump chain runs dump before copy before restore
    And root's own crontab line on the primary is still there
    And xcatd is stopped on the standby

  @destructive
  Scenario: A database whose owner role is missing on the standby is refused and nothing changes
    Given the cluster's database is PostgreSQL replicated by dump
    And a database "hamnorphan" whose owner on the primary is missing on the standby
    And the crontabs of the management nodes are recorded
    When the PostgreSQL dump chain is installed for the database "hamnorphan"
    Then it is refused with "role 'hamnorphan' (owner of hamnorphan on the primary) is missing"
    And the crontabs of the management nodes are unchanged

  @destructive @section-5.1.9
  Scenario: A testnode added through xcatd on the primary reaches the standby through the chain
    Given the cluster's database is PostgreSQL replicated by dump
    And the PostgreSQL dump chain is installed
    When the primary's xcatd is started
    And the testnode is added on the primary
    And the PostgreSQL dump chain runs now
    # xcatd is stopped on the standby (section 4): started only to look
    And the standby's xcatd is started
    Then the testnode is defined on the standby with its attributes
    And the standby's database has the primary's tables and row counts
    When the standby's xcatd is stopped
    And the testnode is deleted on the primary
    And the PostgreSQL dump chain runs now
    Then the testnode is not in the standby's database
    And xcatd is stopped on the standby

  @readonly
  Scenario: The chain's entries are in order and its last dump is recent
    Given the cluster's database is PostgreSQL replicated by dump
    Then the PostgreSQL dump chain runs dump before copy before restore
    And the standby's dump is newer than 24 hours
    And the recovery point of the dump method is reported

  @destructive
  Scenario: A restore of the standby's dump yields the primary's tables and row counts
    Given the cluster's database is PostgreSQL replicated by dump
    And the PostgreSQL dump chain has run
    Then a restore of the standby's dump has the primary's tables and row counts

  @readonly
  Scenario: A standby fed by dumps is not in recovery, and hamn says so
    Given the cluster's database is PostgreSQL replicated by dump
    When the standby's recovery state is checked
    Then it is refused with "expected true (a standby)"

  @destructive
  Scenario: Removing the chain leaves the site's own crontab lines
    Given the cluster's database is PostgreSQL replicated by dump
    And root's crontab on the primary has a line of its own
    When the PostgreSQL dump chain is removed
    Then no PostgreSQL dump chain entry is left
    And root's own crontab line on the primary is still there
    When the PostgreSQL dump chain is installed
    Then the PostgreSQL dump chain runs dump before copy before restore

  # --- better: streaming replication ---------------------------------------------------

  @destructive
  Scenario: Streaming replication without a password is refused and nothing changes
    Given the cluster's database is PostgreSQL replicated by streaming
    And the management nodes are in their operating state
    When PostgreSQL streaming replication is set up without a password
    Then it is refused with "missing credential"
    And the standby streams from the primary

  @destructive
  Scenario: The standby streams from the primary as a hot standby
    Given the cluster's database is PostgreSQL replicated by streaming
    When PostgreSQL streaming replication is set up
    Then the standby streams from the primary
    And the standby is in recovery
    And the replay lag is under 10 seconds

  @destructive @section-5.1.9
  Scenario: A testnode added through xcatd on the primary is replayed on the standby
    Given the cluster's database is PostgreSQL replicated by streaming
    And the management nodes are in their operating state
    When the primary's xcatd is started
    And the testnode is added on the primary
    And the standby has replayed the primary's writes
    # the hot standby is read-only until promoted: looked up in SQL, not through xcatd
    Then the testnode is in the standby's database
    When the testnode is deleted on the primary
    And the standby has replayed the primary's writes
    Then the testnode is not in the standby's database

  @readonly
  Scenario: Streaming replication is healthy
    Given the cluster's database is PostgreSQL replicated by streaming
    And the management nodes are in their operating state
    Then the standby streams from the primary
    And the standby is in recovery
    And the replay lag is under 10 seconds

  @destructive @section-8 @section-5.1.9
  Scenario: Failover promotes the standby, whose xcatd finds the testnode
    Given the cluster's database is PostgreSQL replicated by streaming
    And the management nodes are in their operating state
    When the primary's xcatd is started
    And the testnode is added on the primary
    And the standby has replayed the primary's writes
    And the PostgreSQL standby is promoted
    Then the promotion succeeded
    And the standby is no longer in recovery
    When the standby's xcatd is started
    Then the testnode is defined on the standby with its attributes
    When the standby's xcatd is stopped
    And the testnode is deleted on the primary
    And PostgreSQL streaming replication is set up
    Then the standby streams from the primary
    And the testnode is not in the standby's database

  @destructive
  Scenario: A standby out of recovery is refused where a standby is needed, and nothing changes
    Given the cluster's database is PostgreSQL replicated by streaming
    And the management nodes are in their operating state
    When the PostgreSQL standby is promoted
    Then the promotion succeeded
    When the standby's recovery state is checked
    Then it is refused with "expected true (a standby)"
    When the PostgreSQL standby is promoted
    Then it is refused with "expected true (a standby)"
    And the standby is not in recovery
    And the standby's database has the primary's tables and row counts
    When PostgreSQL streaming replication is set up
    Then the standby streams from the primary
