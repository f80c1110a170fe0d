"""Fixtures of the Larch ↔ Dendrite federation scenario: two P2P nodes peered directly on loopback, "local" (the
node under test) and "dendrite" (a real dendrite-demo-pinecone v0.13.8). The Dendrite node dials the local one:
Larch's TCP overlay port in larch-dendrite mode, the other Dendrite's ws://…/ws in dendrite-dendrite mode (its
-listen flag opens nothing, p2p-federation.md 3.3).

FED_MODE picks who "local" is: larch-dendrite (default) or dendrite-dendrite (validates the scenario). The node
classes and the nio client helpers are tests/interop/p2p's. tests/interop/dendrite/run.sh sets FED_MODE and puts
this process in a loopback-only network namespace; P2P_KEEP=1 keeps the work dir.
"""

import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "p2p"))

from harness import NODES, _fresh_exchanges, loop, pytest_runtest_makereport, pytest_terminal_summary  # noqa: E402,F401
from clients import note  # noqa: E402
from nodes import DendriteNode, LarchNode, in_loopback_only_namespace  # noqa: E402

MODES = ("larch-dendrite", "dendrite-dendrite")
LOCAL_CLIENT, LOCAL_OVERLAY, DENDRITE_CLIENT = 8201, 5201, 8202  # the namespace is fresh: free by construction


class Pair:
    def __init__(self, mode: str, work: Path):
        self.mode = mode
        if mode == "dendrite-dendrite":
            self.local = DendriteNode(work / "local", "local", LOCAL_CLIENT)
        else:
            self.local = LarchNode(work / "local", "local", LOCAL_CLIENT, LOCAL_OVERLAY)
        self.dendrite = DendriteNode(work / "dendrite", "dendrite", DENDRITE_CLIENT, peers=[self.local.peer_uri])

    def all(self):
        return (self.local, self.dendrite)


@pytest.fixture(scope="session")
def pair():
    mode = os.environ.get("FED_MODE", "larch-dendrite")
    if mode not in MODES:
        raise pytest.UsageError(f"FED_MODE={mode!r}: one of {', '.join(MODES)}")
    if not in_loopback_only_namespace():
        raise pytest.UsageError("not in a loopback-only network namespace: start through tests/interop/dendrite/run.sh")
    work = Path(tempfile.mkdtemp(prefix=f"p2p-fed-{mode}-"))

    def on_term(signum, frame):  # a CI timeout unwinds like Ctrl-C, so the finally below still stops both nodes
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, on_term)
    nodes = Pair(mode, work)
    NODES["get"] = nodes.all
    try:
        yield nodes
    finally:
        for node in (nodes.dendrite, nodes.local):
            node.stop()
        signal.signal(signal.SIGTERM, previous)
        if os.environ.get("P2P_KEEP"):
            note(f"kept the work dir (P2P_KEEP): {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
