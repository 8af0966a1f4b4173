@section-2 @section-6.2 @twin @filesync
Feature: A twin-tailed disk instead of synchronisation (runbook sections 2, 6 and 8)
  With twin-tailed disks, the paths kept on them need no rsync: the disk is re-mounted on
  the standby during failover. It must be mounted by exactly one MN at any time.

  @readonly
  Scenario: The install directory lives on the primary's twin-tailed disk
    Then the twin-tailed disk is attached to the primary only
    And the file synchronisation skips the paths on the twin-tailed disk

  @destructive @section-8
  Scenario: The twin-tailed disk moves to the standby with its files, and back
    Given a probe file under the install directory on the primary
    When the twin-tailed disk is moved to the standby
    Then the twin-tailed disk is attached to the standby only
    And the probe file is on the standby
    When the twin-tailed disk is moved to the primary
    Then the twin-tailed disk is attached to the primary only
