@section-5.1.9 @db2 @destructive
Feature: Test database synchronisation (runbook 5.1.9)
  After HADR is set up, a testnode added through xcatd on the primary must be found on the
  standby after it takes over, and its deletion there must be seen on the primary after it
  takes over back.

  Scenario: A testnode makes the round trip between the management nodes
    Given the management nodes are in their operating state
    # On the primary management node
    When the primary's xcatd is started
    And the testnode is added on the primary
    And the primary's xcatd is stopped
    # On the standby management node
    And the standby takes over the HADR primary role
    And the standby's xcatd is started
    Then the testnode is defined on the standby with its attributes
    When the testnode is deleted on the standby
    And the standby's xcatd is stopped
    # On the primary management node
    And the primary takes over the HADR primary role
    And the primary's xcatd is started
    Then the testnode is not defined on the primary
    And HADR is in Peer state with the primary as Primary
