"""Fixtures for the federation scenario: two homeservers on loopback, "local" (the server under test) and "peer"
(Synapse 1.98.0), plus one asyncio loop that the matrix-nio clients of the run share.

INTEROP_MODE picks who "local" is: larch-synapse (default; `./larch run`) or synapse-synapse (a second Synapse, to
validate the harness itself). tests/interop/synapse/run.sh sets it, and INTEROP_SYNAPSE_PYTHON (the Synapse venv's
python); without the latter this asks scripts/synapse.sh for it. INTEROP_LOCAL_URL + INTEROP_LOCAL_SERVER_NAME use
a local server that is already up (e.g. Larch in a debugger) instead of starting one. INTEROP_KEEP=1 keeps the work
dir (configs, databases, logs). A failed test's report carries every HTTP exchange of its clients and the tails of
both servers' logs.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))  # the interop suites' shared code
# The event loop, the per-step failure report and the end-of-run notes; rewritten asserts, as in a conftest.
pytest_plugins = ["steps"]
pytest.register_assert_rewrite("steps", "matrix_client")

from nodes import ROOT, LarchNode, SynapseNode  # noqa: E402
from steps import configure, note, scenario_mode, stopped_at_end, work_dir  # noqa: E402

MODES = ("larch-synapse", "synapse-synapse")
configure(tag="interop", step_timeout_s=float(os.environ.get("INTEROP_STEP_TIMEOUT_S", "30")))


class ExternalNode:
    """A local server that someone else started: no start, no stop, no log."""

    kind = "external"

    def __init__(self, base_url: str, server_name: str):
        self.base_url, self.server_name, self.label = base_url.rstrip("/"), server_name, "local"

    def log_tail(self, n=60):
        return "(external server: no log here)"

    def describe(self):
        return f"local (external) {self.server_name} client={self.base_url}"

    def stop(self):
        pass


def synapse_python() -> str:
    py = os.environ.get("INTEROP_SYNAPSE_PYTHON")
    if py:
        return py
    res = subprocess.run([str(ROOT / "scripts" / "synapse.sh"), "install"], stdout=subprocess.PIPE, text=True)
    if res.returncode != 0:
        raise RuntimeError("scripts/synapse.sh install failed (its output is above)")
    return res.stdout.strip().splitlines()[-1]


class Servers:
    """local and peer; the ones this run starts are stopped in the reverse order."""

    def __init__(self, mode: str, work: Path):
        py = synapse_python()
        self.peer = SynapseNode(work / "peer", py, label="peer")
        if os.environ.get("INTEROP_LOCAL_URL"):
            self.local = ExternalNode(os.environ["INTEROP_LOCAL_URL"], os.environ["INTEROP_LOCAL_SERVER_NAME"])
        elif mode == "synapse-synapse":
            self.local = SynapseNode(work / "local", py, label="local")
        else:
            self.local = LarchNode(work / "local", label="local")
        self.started = []

    def all(self):
        return (self.local, self.peer)

    def start(self):
        for node in (self.peer, self.local):
            if isinstance(node, ExternalNode):
                continue
            t0 = time.monotonic()
            self.started.append(node)
            node.start()
            note(f"{node.describe()} ready in {time.monotonic() - t0:.1f} s")

    def stop(self):
        for node in reversed(self.started):
            node.stop()


@pytest.fixture(scope="session")
def servers():
    """(local, peer), both started; stopped at the end whatever happened."""
    mode = scenario_mode("INTEROP_MODE", MODES)
    with work_dir(f"interop-{mode}-", "INTEROP_KEEP") as work, stopped_at_end(Servers(mode, work)) as nodes:
        nodes.start()
        yield nodes.local, nodes.peer
