"""Fixtures of the Larch ↔ Dendrite federation scenario: two P2P nodes peered directly on loopback, "local" (the
node under test) and "dendrite" (a real dendrite-demo-pinecone v0.13.8). The Dendrite node dials the local one:
Larch's TCP overlay port in larch-dendrite mode, the other Dendrite's ws://…/ws in dendrite-dendrite mode (its
-listen flag opens nothing, p2p-federation.md 3.3).

FED_MODE picks who "local" is: larch-dendrite (default) or dendrite-dendrite (validates the scenario). The node
classes and the nio client helpers are the interop suites' shared ones (../../lib). tests/interop/dendrite/run.sh sets FED_MODE and puts
this process in a loopback-only network namespace; P2P_KEEP=1 keeps the work dir.
"""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "lib"))  # the interop suites' shared code
# The event loop, the per-step failure report and the end-of-run notes; rewritten asserts, as in a conftest.
pytest_plugins = ["steps"]
pytest.register_assert_rewrite("steps", "matrix_client")

from p2p_nodes import DendriteNode, LarchNode, in_loopback_only_namespace  # noqa: E402
from steps import configure, scenario_mode, stopped_at_end, work_dir  # noqa: E402

configure(tag="p2p", step_timeout_s=float(os.environ.get("P2P_STEP_TIMEOUT_S", "45")))

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

    def stop(self):
        for node in (self.dendrite, self.local):
            node.stop()


@pytest.fixture(scope="session")
def pair():
    mode = scenario_mode("FED_MODE", MODES)
    if not in_loopback_only_namespace():
        raise pytest.UsageError("not in a loopback-only network namespace: start through tests/interop/dendrite/run.sh")
    with work_dir(f"p2p-fed-{mode}-", "P2P_KEEP") as work, stopped_at_end(Pair(mode, work)) as nodes:
        yield nodes
