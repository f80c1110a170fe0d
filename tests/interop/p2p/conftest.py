"""Fixtures of the A–B–C line scenario: three P2P nodes on loopback, A and C each peered with B only.

P2P_MODE picks the nodes: larch (default; three `./larch run` in P2P mode, TCP peering to B's overlay port) or
dendrite (three dendrite-demo-pinecone, to validate the scenario itself: Dendrite cannot be given a TCP listener,
so A and C dial B's ws://…/ws). tests/interop/p2p/run.sh sets it and puts this process in a loopback-only network
namespace; P2P_KEEP=1 keeps the work dir (data dirs and logs).
"""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))  # the interop suites' shared code
# The event loop, the per-step failure report and the end-of-run notes; rewritten asserts, as in a conftest.
pytest_plugins = ["steps"]
pytest.register_assert_rewrite("steps", "matrix_client")

from p2p_nodes import DendriteNode, LarchNode, in_loopback_only_namespace  # noqa: E402
from steps import configure, scenario_mode, stopped_at_end, work_dir  # noqa: E402

configure(tag="p2p", step_timeout_s=float(os.environ.get("P2P_STEP_TIMEOUT_S", "45")))

MODES = ("larch", "dendrite")
# Fixed ports: the namespace is fresh, so they are free. Client API 81xx (also /pinecone and /ws), overlay 51xx.
PORTS = {"A": (8101, 5101), "B": (8102, 5102), "C": (8103, 5103)}


class Line:
    """A, B and C; B has no static peer, A and C dial B. Only A and B run at first: the join step starts C."""

    def __init__(self, mode: str, work: Path):
        self.mode = mode
        self.work = work
        if mode == "dendrite":
            self.b = DendriteNode(work / "B", "B", PORTS["B"][0])
            self.a = DendriteNode(work / "A", "A", PORTS["A"][0], peers=[self.b.peer_uri])
            self.c = DendriteNode(work / "C", "C", PORTS["C"][0], peers=[self.b.peer_uri])
        else:
            self.b = LarchNode(work / "B", "B", *PORTS["B"])
            self.a = LarchNode(work / "A", "A", *PORTS["A"], peers=[self.b.peer_uri])
            self.c = LarchNode(work / "C", "C", *PORTS["C"], peers=[self.b.peer_uri])

    def all(self):
        return (self.a, self.b, self.c)

    def stop(self):
        for node in (self.c, self.a, self.b):
            node.stop()


# Module scope: the line's nodes stop when test_line.py is done, before test_relay.py starts its own three.
@pytest.fixture(scope="module")
def line():
    mode = scenario_mode("P2P_MODE", MODES)
    if not in_loopback_only_namespace():
        raise pytest.UsageError("not in a loopback-only network namespace: start through tests/interop/p2p/run.sh")
    with work_dir(f"p2p-line-{mode}-", "P2P_KEEP") as work, stopped_at_end(Line(mode, work)) as nodes:
        yield nodes


# The relay scenario (test_relay.py) runs its own three nodes, on other ports and in another work dir.
RELAY_PORTS = {"A": (8111, 5111), "B": (8112, 5112), "C": (8113, 5113)}


class RelayLine(Line):
    """A–B–C again, B a store-and-forward relay (`--relay true`) that A and C both trust (`--relay-server <B hex>`,
    added by the scenario once B has started: its name is its key). Larch only: a Dendrite sender never relays
    unless its config enables relays and its database lists them (p2p-federation.md 5.2)."""

    def __init__(self, work: Path):
        self.mode = "larch"
        self.work = work
        self.b = LarchNode(work / "B", "B", *RELAY_PORTS["B"], extra_args=["--relay", "true"])
        self.a = LarchNode(work / "A", "A", *RELAY_PORTS["A"], peers=[self.b.peer_uri])
        self.c = LarchNode(work / "C", "C", *RELAY_PORTS["C"], peers=[self.b.peer_uri])

    def trust_b(self):
        for node in (self.a, self.c):
            node.extra_args = ["--relay-server", self.b.server_name]


@pytest.fixture(scope="module")
def relay_line():
    mode = os.environ.get("P2P_MODE", "larch")
    if mode != "larch":
        pytest.skip(f"P2P_MODE={mode}: the relay scenario needs Larch senders (Dendrite's never relay by default)")
    if not in_loopback_only_namespace():
        raise pytest.UsageError("not in a loopback-only network namespace: start through tests/interop/p2p/run.sh")
    with work_dir("p2p-relay-larch-", "P2P_KEEP", "the relay scenario's work dir") as work, \
            stopped_at_end(RelayLine(work)) as nodes:
        yield nodes
