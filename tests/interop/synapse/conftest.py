"""Fixtures for the federation scenario: two homeservers on loopback, "local" (the server under test) and "peer"
(Synapse 1.98.0), plus one asyncio loop that the matrix-nio clients of the run share.

INTEROP_MODE picks who "local" is: larch-synapse (default; `./larch run`) or synapse-synapse (a second Synapse, to
validate the harness itself). tests/interop/synapse/run.sh sets it, and INTEROP_SYNAPSE_PYTHON (the Synapse venv's
python); without the latter this asks scripts/synapse.sh for it. INTEROP_LOCAL_URL + INTEROP_LOCAL_SERVER_NAME use
a local server that is already up (e.g. Larch in a debugger) instead of starting one. INTEROP_KEEP=1 keeps the work
dir (configs, databases, logs). A failed test's report carries every HTTP exchange of its clients and the tails of
both servers' logs.
"""

import asyncio
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from nodes import ROOT, LarchNode, SynapseNode

MODES = ("larch-synapse", "synapse-synapse")

# Every HTTP exchange of the test now running, as one line each; conftest's report hook prints them on failure.
EXCHANGES = []
# Lines for the end-of-run summary (e.g. how long the peer took to catch up after its restart).
NOTES = []


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


@pytest.fixture(scope="session")
def servers():
    """(local, peer), both started; stopped at the end whatever happened."""
    mode = os.environ.get("INTEROP_MODE", "larch-synapse")
    if mode not in MODES:
        raise pytest.UsageError(f"INTEROP_MODE={mode!r}: one of {', '.join(MODES)}")
    work = Path(tempfile.mkdtemp(prefix=f"interop-{mode}-"))

    # SIGTERM (e.g. a CI timeout) unwinds like Ctrl-C, so the finally below still stops both servers.
    def on_term(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, on_term)
    started = []
    try:
        py = synapse_python()
        peer = SynapseNode(work / "peer", py, label="peer")
        if os.environ.get("INTEROP_LOCAL_URL"):
            local = ExternalNode(os.environ["INTEROP_LOCAL_URL"], os.environ["INTEROP_LOCAL_SERVER_NAME"])
        elif mode == "synapse-synapse":
            local = SynapseNode(work / "local", py, label="local")
        else:
            local = LarchNode(work / "local", label="local")
        for node in (peer, local):
            if isinstance(node, ExternalNode):
                continue
            t0 = time.monotonic()
            started.append(node)
            node.start()
            NOTES.append(f"{node.describe()} ready in {time.monotonic() - t0:.1f} s")
        yield local, peer
    finally:
        for node in reversed(started):
            node.stop()
        signal.signal(signal.SIGTERM, previous)
        if os.environ.get("INTEROP_KEEP"):
            NOTES.append(f"kept the work dir (INTEROP_KEEP): {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="session")
def loop():
    lp = asyncio.new_event_loop()
    yield lp
    lp.run_until_complete(lp.shutdown_asyncgens())
    lp.close()


@pytest.fixture(autouse=True)
def _fresh_exchanges():
    EXCHANGES.clear()
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if not rep.failed:
        return
    if EXCHANGES:
        rep.sections.append(("HTTP exchanges of this test (oldest first)", "\n".join(EXCHANGES[-150:])))
    nodes = item.funcargs.get("servers") if hasattr(item, "funcargs") else None
    for node in nodes or ():
        rep.sections.append((f"log tail: {node.describe()}", node.log_tail(80)))


def pytest_terminal_summary(terminalreporter):
    for line in NOTES:
        terminalreporter.write_line(f"interop: {line}")
