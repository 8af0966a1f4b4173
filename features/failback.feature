@section-9 @destructive
Feature: Failback to the previous primary management node (runbook section 9)
  The previous primary, back up with the former standby's identity, is set up as the new
  standby (sections 4 to 6 with the roles swapped); then the cluster fails over to it.

  @db2 @postgres @mysql @sqlite
  Scenario: The previous primary takes its role back
    Given the cluster has failed over to the standby
    When the previous primary is back as the new standby
    And the cluster fails back to the previous primary
    Then the standby answers on the primary's address and hostname
    And the old primary is down
    And DHCP runs on exactly one management node
    And the testnode written before failover is there
    And lsdef on the service node works through xcatd
    And every failover step has a recorded timing
