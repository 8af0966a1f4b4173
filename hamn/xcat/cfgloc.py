"""xCAT's /etc/xcat/cfgloc: which database xcatd uses, and at which address (runbook 8).

``Pg:dbname=xcatdb;host=10.0.0.1|xcatadm|secret`` or ``mysql:dbname=xcatdb;host=...``: after
the identity swap of section 8 the standby's own former address is gone, so a cfgloc naming
it would leave xcatd without its database. The line carries the database password: hamn edits
it in place with sed and never reads it back into a log.
"""

from __future__ import annotations

import re
import shlex

from hamn.runner import Node

CFGLOC = "/etc/xcat/cfgloc"


def readdress_line(text: str, old: str, new: str) -> str:
    """TEXT with ``host=OLD`` made ``host=NEW`` (pure; the rest of the line untouched)."""
    return re.sub(rf"(host=){re.escape(old)}(?=[;|\s]|$)", rf"\g<1>{new}", text)


def readdress(node: Node, old: str, new: str, path: str = CFGLOC) -> None:
    """Make PATH on NODE name NEW where it named host OLD (section 8, databases on TCP)."""
    # sed's own expression, the same as readdress_line: host=OLD followed by ; | or the end.
    sub = f"s/host={old.replace('.', '[.]')}\\([;|]\\|$\\)/host={new}\\1/"
    q = shlex.quote(path)
    node.check_sh(f"umask 077; test ! -f {q} || {{ sed {shlex.quote(sub)} {q} > {q}.hamn && "
                  f"cat {q}.hamn > {q} && rm -f {q}.hamn; }}", changes=True,
                  why=f"readdressing {path} (runbook 8)")
