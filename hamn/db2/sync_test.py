"""Runbook 5.1.9: test the database synchronisation with a testnode round trip.

On the primary: start xcatd, add a testnode, stop xcatd. On the standby: take over, start
xcatd, find the testnode with its attributes, delete it, stop xcatd. On the primary: take
over back, start xcatd, find the testnode gone. xCAT's own clients do the work (mkdef,
lsdef, rmdef), through the local xcatd, as an administrator would; they live in
hamn.xcat.commands, shared with the other database methods (sections 5.2, 5.3).
"""

from __future__ import annotations

from hamn.xcat.commands import (
    TESTNODE,
    TESTNODE_ATTRIBUTES,
    check_absent,
    find_node,
    remove_node,
    start_xcatd,
    stop_xcatd,
)
from hamn.xcat.commands import add_node as add_testnode
from hamn.xcat.commands import check_node as check_testnode

__all__ = ["TESTNODE", "TESTNODE_ATTRIBUTES", "add_testnode", "check_absent", "check_testnode",
           "find_node", "remove_node", "start_xcatd", "stop_xcatd"]
