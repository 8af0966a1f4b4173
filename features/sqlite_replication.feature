@section-5.3 @sqlite
Feature: SQLite synchronisation of the xCAT database (runbook section 5.3)
  SQLite has no replication; the runbook says to copy or synchronise its files. A file being
  written is not a database one can copy: each /etc/xcat/*.sqlite is snapshotted with
  SQLite's backup API on the primary, and the snapshots are rsynced to the standby by a
  root cron entry.

  @destructive
  Scenario: The synchronisation entry is installed once, next to the site's own
    Given the cluster's database is SQLite
    And root's crontab on the primary has a line of its own
    When the SQLite synchronisation is installed
    And the SQLite synchronisation is installed
    Then the SQLite synchronisation entry is in root's crontab on the primary
    And root's own crontab line on the primary is still there
    And xcatd is stopped on the standby

  @destructive @section-5.1.9
  Scenario: A testnode added through xcatd on the primary reaches the standby's copy
    Given the cluster's database is SQLite
    And the SQLite synchronisation is installed
    When the primary's xcatd is started
    And the testnode is added on the primary
    And the SQLite synchronisation runs now
    Then the standby's SQLite copies open and match the primary's snapshots
    # xcatd is stopped on the standby (section 4): started only to look
    When the standby's xcatd is started
    Then the testnode is defined on the standby with its attributes
    When the standby's xcatd is stopped
    And the testnode is deleted on the primary
    And the SQLite synchronisation runs now
    Then the testnode is not in the standby's database
    And xcatd is stopped on the standby

  @readonly
  Scenario: The synchronisation is in place and the standby's copies are sound
    Given the cluster's database is SQLite
    And the management nodes are in their operating state
    Then the SQLite synchronisation entry is in root's crontab on the primary
    And the standby's SQLite copies open and match the primary's snapshots

  @destructive
  Scenario: Removing the synchronisation leaves the site's own crontab lines
    Given the cluster's database is SQLite
    And root's crontab on the primary has a line of its own
    When the SQLite synchronisation is removed
    Then no SQLite synchronisation entry is left
    And root's own crontab line on the primary is still there
    When the SQLite synchronisation is installed
    Then the SQLite synchronisation entry is in root's crontab on the primary
