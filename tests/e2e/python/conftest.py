"""Fixtures: a real `./larch run` on loopback (temp data dir, free port, no multicast), and one asyncio loop that
the matrix-nio clients of the run share.

LARCH_E2E_BASE_URL=http://127.0.0.1:PORT runs the tests against a server that is already up instead (debugging aid).
LARCH_E2E_START_TIMEOUT_S bounds the wait for the startup line (default 90 s: the launcher may have to build first).
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# The interop suites' shared nio helpers (failure messages, step prerequisites, the event loop).
sys.path.insert(0, str(ROOT / "tests" / "interop" / "lib"))

from processes import stop_process  # noqa: E402
from steps import loop  # noqa: E402,F401 (a fixture: one asyncio loop for the run's nio clients)

STARTED = re.compile(r"\bstarted\b.*client_listen=127\.0\.0\.1:(\d+)")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LarchServer:
    def __init__(self):
        self.work = Path(tempfile.mkdtemp(prefix="larch-e2e-py-"))
        self.log_path = self.work / "larch.log"
        self.proc = None
        self.base_url = None

    def log_tail(self, n=40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def start(self, timeout_s: float):
        port = free_port()
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    str(ROOT / "larch"), "run",
                    "--data-dir", str(self.work / "data"),
                    "--client-listen", f"127.0.0.1:{port}",
                    "--overlay-listen", "127.0.0.1:0",
                    "--no-multicast",
                ],
                cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            m = STARTED.search(self.log_path.read_text(errors="replace"))
            if m:
                self.base_url = f"http://127.0.0.1:{m.group(1)}"
                return
            if self.proc.poll() is not None:
                tail = self.log_tail()
                self.stop()
                raise RuntimeError(f"./larch run exited ({self.proc.returncode}) before its 'started' line:\n{tail}")
            time.sleep(0.1)
        tail = self.log_tail()
        self.stop()
        raise RuntimeError(f"no 'started ... client_listen=' line from ./larch run within {timeout_s} s:\n{tail}")

    def stop(self):
        stop_process(self.proc, 10)
        if not os.environ.get("LARCH_E2E_KEEP"):
            shutil.rmtree(self.work, ignore_errors=True)


@pytest.fixture(scope="module")
def server():
    external = os.environ.get("LARCH_E2E_BASE_URL")
    if external:
        yield external
        return
    # SIGTERM (e.g. a CI timeout) unwinds like Ctrl-C, so the finally below still stops the server.
    def on_term(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, on_term)
    srv = LarchServer()
    try:
        srv.start(float(os.environ.get("LARCH_E2E_START_TIMEOUT_S", "90")))
        yield srv.base_url
    finally:
        srv.stop()
        signal.signal(signal.SIGTERM, previous)
