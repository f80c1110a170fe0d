"""The pytest side of a scenario made of steps, shared by the interop suites: one asyncio loop for the run's nio
clients, the exchange log cleared before each step, and on failure the step's HTTP exchanges and every node's log in
the report; end-of-run notes; a work dir for the nodes; steps that skip when a prerequisite failed.

A suite's conftest.py loads this module as a plugin (pytest_plugins = ["steps"]) and calls configure(); its fixtures
hand their nodes to stopped_at_end(), which also shows them in failure reports.
"""

import asyncio
import os
import shutil
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

import matrix_client
from matrix_client import EXCHANGES

# The prefix of the notes' lines; configure() sets it.
TAG = {"notes": "interop"}
# Lines for the end-of-run summary: timings and how things went.
NOTES = []
# A callable returning the nodes of the run, for the failure report.
NODES = {"get": lambda: ()}
# Each node's log size when the step now running began: its failure report shows what was logged since.
LOG_MARKS = {}


def configure(tag: str, step_timeout_s: float) -> None:
    """tag prefixes the notes; step_timeout_s bounds each request and wait of matrix_client."""
    TAG["notes"] = tag
    matrix_client.STEP_TIMEOUT_S = step_timeout_s


def note(line: str) -> None:
    NOTES.append(line)
    print(f"{TAG['notes']}: {line}", flush=True)


@pytest.fixture(scope="session")
def loop():
    lp = asyncio.new_event_loop()
    yield lp
    lp.run_until_complete(lp.shutdown_asyncgens())
    lp.close()


@pytest.fixture(autouse=True)
def _fresh_exchanges():
    EXCHANGES.clear()
    LOG_MARKS.clear()
    # Nodes that cannot say their log's size (Synapse, an external server) report their log's tail.
    LOG_MARKS.update({id(node): node.log_size() for node in NODES["get"]() if hasattr(node, "log_size")})
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if not rep.failed:
        return
    if EXCHANGES:
        rep.sections.append(("HTTP exchanges of this step (oldest first)", "\n".join(EXCHANGES[-150:])))
    for node in NODES["get"]():
        since = LOG_MARKS.get(id(node))
        rep.sections.append((f"log: {node.describe()}",
                             node.log_tail(80) if since is None else node.log_tail(80, since)))


def pytest_terminal_summary(terminalreporter):
    for line in NOTES:
        terminalreporter.write_line(f"{TAG['notes']}: {line}")


def scenario_mode(var: str, modes) -> str:
    """Which nodes the scenario runs, from the environment variable var; the first of modes by default."""
    mode = os.environ.get(var, modes[0])
    if mode not in modes:
        raise pytest.UsageError(f"{var}={mode!r}: one of {', '.join(modes)}")
    return mode


@contextmanager
def work_dir(prefix: str, keep_var: str, what: str = "the work dir"):
    """A temp dir for the nodes' data and logs, removed at the end unless the environment sets keep_var. Meanwhile
    SIGTERM (e.g. a CI timeout) unwinds like Ctrl-C, so the caller's finally still stops every node."""
    work = Path(tempfile.mkdtemp(prefix=prefix))

    def on_term(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield work
    finally:
        signal.signal(signal.SIGTERM, previous)
        if os.environ.get(keep_var):
            note(f"kept {what} ({keep_var}): {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


@contextmanager
def stopped_at_end(nodes):
    """nodes (with all() and stop()) reported on failure while in use, and stopped at the end whatever happened."""
    NODES["get"] = nodes.all
    try:
        yield nodes
    finally:
        nodes.stop()


def prerequisites(state):
    """needs(*steps) for a module whose steps share state in file order: state["done"] names the steps that passed;
    a step whose prerequisite did not pass is skipped, naming it."""

    def needs(*steps):
        missing = [s for s in steps if s not in state["done"]]
        if missing:
            pytest.skip(f"needs: {', '.join(missing)}")

    return needs


def clients_closed_at_end(state):
    """A module fixture that closes the clients listed in state["clients"] when the module's steps are done."""

    @pytest.fixture(scope="module", autouse=True)
    def close_clients(loop):
        yield
        for c in state.get("clients", []):
            loop.run_until_complete(c.close())

    return close_clients
