"""The pytest side shared by the P2P scenarios (tests/interop/p2p and tests/interop/dendrite/federation): one
asyncio loop for the run's nio clients, the exchange log cleared before each step, and on failure the step's HTTP
exchanges and every node's log tail in the report. A conftest.py imports these names to activate them.
"""

import asyncio

import pytest

from clients import EXCHANGES, NOTES

# conftest.py sets this to a callable returning the nodes of the run, for the failure report.
NODES = {"get": lambda: ()}


@pytest.fixture(scope="session")
def loop():
    lp = asyncio.new_event_loop()
    yield lp
    lp.run_until_complete(lp.shutdown_asyncgens())
    lp.close()


# Each node's log size when the step now running began: its failure report shows what was logged since.
LOG_MARKS = {}


@pytest.fixture(autouse=True)
def _fresh_exchanges():
    EXCHANGES.clear()
    LOG_MARKS.clear()
    LOG_MARKS.update({id(node): node.log_size() for node in NODES["get"]()})
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
        rep.sections.append((f"log: {node.describe()}", node.log_tail(80, LOG_MARKS.get(id(node), 0))))


def pytest_terminal_summary(terminalreporter):
    for line in NOTES:
        terminalreporter.write_line(f"p2p: {line}")
