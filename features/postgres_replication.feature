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

  @destructive @section-5.1.9
  Scenario: A testnode added on the primary reaches the standby through the chain
    Given the cluster's database is PostgreSQL replicated by dump
    And the PostgreSQL dump chain is installed
    When a testnode is added to the primary's database
    And the PostgreSQL dump chain runs now
    Then the testnode is in the standby's database
    And the standby's database has the primary's tables and row counts
    When a testnode is deleted from the primary's database
    And the PostgreSQL dump chain runs now
    Then the testnode is not in the standby's database

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
  Scenario: Streaming replication without a password is refused
    Given the cluster's database is PostgreSQL replicated by streaming
    When PostgreSQL streaming replication is set up without a password
    Then it is refused with "missing credential"

  @destructive
  Scenario: The standby streams from the primary as a hot standby
    Given the cluster's database is PostgreSQL replicated by streaming
    When PostgreSQL streaming replication is set up
    Then the standby streams from the primary
    And the standby is in recovery
    And the replay lag is under 10 seconds

  @destructive @section-5.1.9
  Scenario: A testnode added on the primary is replayed on the standby
    Given the cluster's database is PostgreSQL replicated by streaming
    When a testnode is added to the primary's database
    And the standby has replayed the primary's writes
    Then the testnode is in the standby's database
    When a testnode is deleted from the primary's database
    And the standby has replayed the primary's writes
    Then the testnode is not in the standby's database

  @readonly
  Scenario: Streaming replication is healthy
    Given the cluster's database is PostgreSQL replicated by streaming
    Then the standby streams from the primary
    And the standby is in recovery
    And the replay lag is under 10 seconds

  @destructive @section-8
  Scenario: Failover promotes the standby, and streaming is set up again afterwards
    Given the cluster's database is PostgreSQL replicated by streaming
    When the PostgreSQL standby is promoted
    Then the promotion succeeded
    And the standby is no longer in recovery
    When the PostgreSQL standby is promoted
    Then it is refused with "expected true (a standby)"
    When PostgreSQL streaming replication is set up
    Then the standby streams from the primary
