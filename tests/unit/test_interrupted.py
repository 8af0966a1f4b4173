"""hamn.interrupted's reading of `hamn failover` output (section 8 interrupted, issue 10)."""

from __future__ import annotations

import pytest

from hamn import interrupted
from hamn.errors import UsageError

# `hamn failover --preset aix-faults` re-run after a kill at 8.4 (stdout, the summary).
RERUN = """\
8.1  database-failover      skipped (already done)   already done
8.2  old-primary-down       skipped (already done)   already done
8.3  stop-standby-db        skipped (already done)   already done
8.4  identity               skipped (already done)   already done
8.5  database-config        1.48s                    db2nodes.cfg updated, instance started
8.6  start-xcatd            1.61s                    True
8.6  network-services       4.24s                    makedns, makedhcp, makeconservercf
8.7  os-deployment          1.67s                    NIM defined 3, present 0; nodeset cn1
8.8  management-operations  2.33s                    rpower reset cn1
"""


def test_summary_lines_say_which_steps_were_skipped() -> None:
    lines = interrupted.parse_summary(RERUN)
    assert [ln.name for ln in lines] == [n for _, n in interrupted.STEPS]
    assert [ln.name for ln in lines if ln.skipped] == ["database-failover", "old-primary-down",
                                                      "stop-standby-db", "identity"]
    assert lines[4].note == "db2nodes.cfg updated, instance started"
    assert lines[0].note == "already done"


def test_lines_that_are_not_steps_are_ignored() -> None:
    assert interrupted.parse_summary("hamn: something\n# plan\n\n") == ()


def test_a_step_is_known_by_its_section() -> None:
    assert interrupted.section_of("identity") == "8.4"
    with pytest.raises(UsageError, match="no failover step 'idenity'"):
        interrupted.section_of("idenity")
