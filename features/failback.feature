@section-9 @destructive
Feature: Failback to the previous primary management node (runbook section 9)
  The previous primary, back up, is set up as the new standby (sections 4 to 6 with the
  roles swapped); then the cluster fails over to it.

  @db2 @aix
  Scenario: The previous primary takes its role back
    Given the database replicates to the standby
    When the cluster fails back to the previous primary
    Then the standby answers on the primary's address and hostname
    And the old primary is down
    And every failover step has a recorded timing
