@fault @destructive @db2 @section-8
Feature: A failover interrupted at any step and re-run completes, doing nothing twice (issue 10)
  The operator's `hamn failover` dies at step N (killed: no clean-up, commands already on a
  host carry on there). Run again, it continues where the first run stopped: the steps the
  first run finished are skipped and said so, a step whose effect is already there is not
  done again (no second TAKEOVER once the standby is primary, no second identity change),
  and the cluster ends failed over as section 8 promises. Each example starts from a
  re-created pair. The rows tagged @slow are skipped unless --run-slow is given (see
  README, "Faults"): 8.1, 8.4 and 8.5 are the representative subset.

  Scenario Outline: The failover killed at step <section> <step> and re-run completes
    Given the pair is at the failover's starting point
    And a testnode is written through xcatd on the primary
    And xcatd on the primary has failed
    When the failover is killed while at step <section> <step>
    And the failover is run again
    Then the re-run skipped, as already done, every step the killed run had finished
    And no TAKEOVER and no identity change was done twice
    And the standby answers on the primary's address and hostname
    And the old primary is down
    And DHCP runs on exactly one management node
    And the testnode written before failover is there

    Examples: the representative subset
      | section | step              |
      | 8.1     | database-failover |
      | 8.4     | identity          |
      | 8.5     | database-config   |

    @slow
    Examples: the other steps
      | section | step                  |
      | 8.2     | old-primary-down      |
      | 8.3     | stop-standby-db       |
      | 8.6     | start-xcatd           |
      | 8.6     | network-services      |
      | 8.7     | os-deployment         |
      | 8.8     | management-operations |
