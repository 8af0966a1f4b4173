"""A pytest-testinfra backend that runs over hamn's persistent channel.

testinfra's own ssh backend opens a session per command; this one keeps its hostspec
parsing and module set (``host.file``, ``host.user`` ...) and sends commands through the
node's framed channel instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import testinfra.host
from testinfra.backend.ssh import SshBackend

if TYPE_CHECKING:
    from hamn.runner import Node


class HamnBackend(SshBackend):  # type: ignore[misc]
    NAME = "hamn"

    def __init__(self, node: Node, **kwargs: Any) -> None:
        super().__init__(node.name, **kwargs)
        self.node = node

    def run(self, command: str, *args: str, **kwargs: Any) -> Any:
        cmd = self.get_command(command, *args)
        res = self.node.sh(cmd)
        return self.result(res.exit_status, cmd.encode(), res.stdout.encode(),
                           res.stderr.encode())


def host_for(node: Node) -> Any:
    return testinfra.host.Host(HamnBackend(node))
