"""Section 8 interrupted (issue 10): one call into hamn.interrupted each."""

from __future__ import annotations

import pytest
from pytest_bdd import parsers, then, when

from hamn import failover, interrupted
from hamn.inventory import Cluster


@when(parsers.re(r"the failover is killed while at step (?P<section>8\.\d) (?P<step>[a-z-]+)"),
      target_fixture="interruption")
def killed_at(cluster: Cluster, section: str, step: str) -> interrupted.Interruption:
    assert interrupted.section_of(step) == section, f"{step} is step {section} in hamn"
    return interrupted.kill_at(cluster, step)


@when("the failover is run again", target_fixture="fo")
def run_again(interruption: interrupted.Interruption,
              request: pytest.FixtureRequest) -> failover.Failover:
    fo = interrupted.run_again(interruption)
    request.node.user_properties.extend(sorted(interrupted.figures(interruption).items()))
    return fo


@then("the re-run skipped, as already done, every step the killed run had finished")
def resumed(interruption: interrupted.Interruption) -> None:
    assert set(interrupted.check_resumed(interruption)) >= set(interruption.done_at_kill)


@then("no TAKEOVER and no identity change was done twice")
def nothing_twice(interruption: interrupted.Interruption) -> None:
    assert interrupted.check_nothing_twice(interruption) == 1
