@section-8
Feature: Failover to the standby management node (runbook section 8)
  When the primary MN fails, the standby takes over the database, the primary's address and
  hostname, xcatd and the network services, and manages the cluster. Every check after the
  failover is measured on the hosts. On the simulated cluster the starting point re-creates
  the nodes first, so the feature can run again.

  @readonly
  Scenario: The failover plan lists every command and changes nothing
    When the failover is planned
    Then the plan changed nothing on any host

  @destructive @db2
  Scenario: The standby takes over when the primary still answers
    Given the pair is at the failover's starting point
    And a testnode is written through xcatd on the primary
    And xcatd on the primary has failed
    When the cluster fails over to the standby
    Then the standby answers on the primary's address and hostname
    And the old primary is down
    And DHCP runs on exactly one management node
    And the testnode written before failover is there
    And the NIM resources of every AIX osimage are defined on the new management node
    And lsdef on the service node works through xcatd
    And the compute node gets its DHCP lease from the new management node
    And the compute node resolves names through the new management node
    And the compute node meets the host key it trusts at the primary's hostname
    And every failover step has a recorded timing

  @destructive @db2
  Scenario: The standby takes over when the primary is powered off
    Given the pair is at the failover's starting point
    And a testnode is written through xcatd on the primary
    And the primary has failed
    When the cluster fails over to the standby
    Then the standby answers on the primary's address and hostname
    And the old primary is down
    And DHCP runs on exactly one management node
    And the testnode written before failover is there
    And lsdef on the service node works through xcatd
    And the compute node gets its DHCP lease from the new management node
    And every failover step has a recorded timing

  # The other methods lose what was written after their last copy (their recovery point):
  # the copy runs after the testnode is written, as the admin's cron would have.
  @destructive @postgres @linux @section-5.2
  Scenario: A PostgreSQL standby restores the latest dump and takes over
    Given the cluster's database is PostgreSQL replicated by dump
    And the pair is at the failover's starting point
    And a testnode is written through xcatd on the primary
    And the PostgreSQL dump chain has run
    And the primary has failed
    When the cluster fails over to the standby
    Then the standby answers on the primary's address and hostname
    And the old primary is down
    And DHCP runs on exactly one management node
    And the testnode written before failover is there
    And a node can be defined through xcatd on the new management node
    And lsdef on the service node works through xcatd
    And the compute node gets its DHCP lease from the new management node
    And every failover step has a recorded timing

  @destructive @postgres @linux @section-5.2
  Scenario: A streaming PostgreSQL standby is promoted and takes over
    Given the cluster's database is PostgreSQL replicated by streaming
    And the pair is at the failover's starting point
    And a testnode is written through xcatd on the primary
    And the standby has replayed the primary's writes
    And the primary has failed
    When the cluster fails over to the standby
    Then the standby answers on the primary's address and hostname
    And the testnode written before failover is there
    And a node can be defined through xcatd on the new management node
    And lsdef on the service node works through xcatd
    And every failover step has a recorded timing

  @destructive @mysql @linux @section-5.3
  Scenario: A MariaDB replica is promoted and takes over
    Given the pair is at the failover's starting point
    And a testnode is written through xcatd on the primary
    And the standby has applied the primary's transactions
    And the primary has failed
    When the cluster fails over to the standby
    Then the standby answers on the primary's address and hostname
    And the old primary is down
    And DHCP runs on exactly one management node
    And the testnode written before failover is there
    And a node can be defined through xcatd on the new management node
    And lsdef on the service node works through xcatd
    And every failover step has a recorded timing

  @destructive @sqlite @linux @section-5.3
  Scenario: A SQLite standby starts xCAT on its synchronised copies and takes over
    Given the pair is at the failover's starting point
    And a testnode is written through xcatd on the primary
    And the SQLite synchronisation has run
    And the primary has failed
    When the cluster fails over to the standby
    Then the standby answers on the primary's address and hostname
    And the old primary is down
    And DHCP runs on exactly one management node
    And the testnode written before failover is there
    And a node can be defined through xcatd on the new management node
    And lsdef on the service node works through xcatd
    And every failover step has a recorded timing
