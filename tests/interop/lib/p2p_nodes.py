"""P2P node processes for the overlay scenarios: `./larch run` in P2P mode and Dendrite's `dendrite-demo-pinecone`.

Every node runs on loopback inside the one loopback-only network namespace the runner put this process in
(tests/interop/dendrite/dendrite.sh netns), so fixed ports are free by construction and nothing leaves the machine.
A node is named by its key (64 lowercase hex), which survives a restart on the same data dir.

What the scenarios need of a node, whatever it is: `start()`, `stop()`, `running()`, `server_name`, `base_url`,
`peer_uri` (what another node dials to peer with it), `direct_peers()` (keys of directly connected overlay peers,
from its `GET /pinecone`), `log_tail()`, `describe()`.

Standard library only.
"""

import json
import os
import re
import shlex
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from processes import stop_process

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
DENDRITE_SH = ROOT / "tests" / "interop" / "dendrite" / "dendrite.sh"
HEX = re.compile(r"^[0-9a-f]{64}$")


class NodeError(RuntimeError):
    """A node did not start, or exited: the message says which and carries its log tail."""


def tail(path: Path, n: int = 60) -> str:
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return f"(no {Path(path).name})"


def get_json(url: str, timeout: float = 3.0):
    """(status, parsed body) of a GET; (None, error text) when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as res:
            return res.status, json.loads(res.read() or b"null")
    except urllib.error.HTTPError as e:
        try:
            return e.code, json.loads(e.read() or b"null")
        except ValueError:
            return e.code, None
    except (OSError, ValueError) as e:
        return None, str(e)


def in_loopback_only_namespace() -> bool:
    """/proc/net/dev lists this namespace's interfaces (/sys/class/net shows the host's unless sysfs is remounted)."""
    with open("/proc/net/dev") as f:
        return [line.split(":")[0].strip() for line in f.readlines()[2:]] == ["lo"]


class P2PNode:
    kind = "node"

    def __init__(self, work: Path, label: str, client_port: int):
        self.work = Path(work)
        self.label = label
        self.client_port = client_port
        self.key = None  # the server name, once started
        self.started_at = None  # time.monotonic() of the last start()

    @property
    def server_name(self) -> str:
        if not self.key:
            raise NodeError(f"{self.label}: not started yet, so its server name is unknown")
        return self.key

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.client_port}"

    def describe(self) -> str:
        name = self.key[:16] + "…" if self.key else "(not started)"
        return f"{self.label} ({self.kind}) {name} client={self.base_url} peer_uri={self.peer_uri} dir={self.work}"

    def pinecone(self) -> dict:
        status, body = get_json(f"{self.base_url}/pinecone")
        if status != 200 or not isinstance(body, dict):
            raise NodeError(f"{self.label}: GET /pinecone -> {status} {body}")
        return body

    def direct_peers(self) -> set:
        """Keys of the overlay peers this node has a link with right now. Both /pinecone shapes map a key to a
        list of link entries; Go's also lists the node itself, as port 0."""
        peers = self.pinecone().get("peers") or {}
        return {k for k, entries in peers.items()
                if k != self.key and any(e.get("port", 0) != 0 for e in entries or [])}

    def log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def log_tail(self, n: int = 60, since: int = 0) -> str:
        """The warnings and errors logged since byte offset `since` (the last n/2 of them), then the last n/2 lines."""
        try:
            with open(self.log_path, "rb") as f:
                raw = f.read()
        except OSError:
            return f"(no {self.log_path})"
        lines = raw.decode(errors="replace").splitlines()
        bad = [line for line in raw[since:].decode(errors="replace").splitlines() if self.is_problem(line)][-n // 2:]
        return (f"--- {self.log_path}: {len(bad)} warnings and errors during the step (the last {n // 2} at most)\n"
                + "\n".join(bad) + f"\n--- {self.log_path}: its last {n // 2} lines\n" + "\n".join(lines[-n // 2:]))

    def wait_client_api(self, timeout_s: float, alive) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not alive():
                raise NodeError(f"{self.describe()} exited before its client API answered:\n{self.log_tail()}")
            if get_json(f"{self.base_url}/_matrix/client/versions", 1)[0] == 200:
                return
            time.sleep(0.1)
        raise NodeError(f"{self.describe()}: /_matrix/client/versions did not answer 200 within {timeout_s:.0f} s:\n"
                        f"{self.log_tail()}")


class DendriteNode(P2PNode):
    """dendrite-demo-pinecone v0.13.8 through tests/interop/dendrite/dendrite.sh. Its `-listen` flag never opens
    a listener (p2p-federation.md 3.3): other nodes peer with it on ws://127.0.0.1:<client port>/ws, and its own
    static peers are `host:port` (TCP) or `ws://…/ws`."""

    kind = "dendrite"

    def __init__(self, work: Path, label: str, client_port: int, peers=()):
        super().__init__(work, label, client_port)
        self.peers = list(peers)
        self.log_path = self.work / "dendrite.log"

    @property
    def peer_uri(self) -> str:
        return f"ws://127.0.0.1:{self.client_port}/ws"

    def start(self, timeout_s: float = 60.0) -> "DendriteNode":
        self.work.mkdir(parents=True, exist_ok=True)
        args = [str(DENDRITE_SH), "start", "--dir", str(self.work), "--port", str(self.client_port)]
        for p in self.peers:
            args += ["--peer", p]
        self.started_at = time.monotonic()
        res = subprocess.run(args, capture_output=True, text=True, timeout=timeout_s + 10)
        if res.returncode != 0:
            raise NodeError(f"{self.label}: dendrite.sh start failed ({res.returncode}): {res.stderr.strip()}\n"
                            f"{self.log_tail()}")
        key = res.stdout.strip().splitlines()[-1] if res.stdout.strip() else ""
        if not HEX.match(key):
            raise NodeError(f"{self.label}: dendrite.sh start printed {res.stdout!r}, not a key")
        if self.key and key != self.key:
            raise NodeError(f"{self.label}: the server name changed across a restart: {self.key} -> {key}")
        self.key = key
        return self

    def running(self) -> bool:
        pid_file = self.work / "dendrite.pid"
        try:
            os.kill(int(pid_file.read_text().strip()), 0)
            return True
        except (OSError, ValueError):
            return False

    def stop(self) -> None:
        subprocess.run([str(DENDRITE_SH), "stop", "--dir", str(self.work)], timeout=30, capture_output=True)

    @staticmethod
    def is_problem(line: str) -> bool:
        return "level=error" in line or "level=warning" in line


class LarchNode(P2PNode):
    """`./larch run` in P2P mode (no --server-name): client API and /ws on the client port, TCP peering on the
    overlay port, multicast off, static peers given by the scenario. LARCH_RUN is the command line that starts
    Larch (default "<repo>/larch run"; the runners point it at a build in a target dir of their own)."""

    kind = "larch"

    def __init__(self, work: Path, label: str, client_port: int, overlay_port: int, peers=(), extra_args=()):
        super().__init__(work, label, client_port)
        self.overlay_port = overlay_port
        self.peers = list(peers)
        self.extra_args = list(extra_args)  # more `larch run` flags (e.g. --relay true); may be set before a start
        self.log_path = self.work / "larch.log"
        self.proc = None
        self._offset = 0

    @property
    def peer_uri(self) -> str:
        return f"127.0.0.1:{self.overlay_port}"

    def start(self, timeout_s: float = 120.0) -> "LarchNode":
        self.work.mkdir(parents=True, exist_ok=True)
        cmd = shlex.split(os.environ.get("LARCH_RUN", f"{ROOT / 'larch'} run"))
        cmd += ["--data-dir", str(self.work / "data"), "--client-listen", f"127.0.0.1:{self.client_port}",
                "--overlay-listen", f"127.0.0.1:{self.overlay_port}", "--no-multicast"]
        for p in self.peers:
            cmd += ["--static-peer", p]
        cmd += self.extra_args
        with open(self.log_path, "ab") as log:
            self._offset = log.tell()  # the log is appended to across restarts; read this start's lines only
            log.write(f"\n=== {' '.join(cmd)}\n".encode())
            log.flush()
            self.started_at = time.monotonic()
            self.proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout_s
        key = None
        while key is None:
            if self.proc.poll() is not None:
                raise NodeError(f"{self.describe()} exited with {self.proc.returncode} before it started:\n"
                                f"{self.log_tail()}")
            if time.monotonic() > deadline:
                self.stop()
                raise NodeError(f"{self.describe()}: no 'started mode=p2p' line within {timeout_s:.0f} s:\n"
                                f"{self.log_tail()}")
            key = self._started_key()
            if key is None:
                time.sleep(0.1)
        if self.key and key != self.key:
            raise NodeError(f"{self.label}: the server name changed across a restart: {self.key} -> {key}")
        self.key = key
        self.wait_client_api(max(5.0, deadline - time.monotonic()), self.running)
        return self

    def _started_key(self):
        with open(self.log_path, "rb") as f:
            f.seek(self._offset)
            for line in f.read().decode(errors="replace").splitlines():
                m = re.search(r" started mode=(\S+) server_name=(\S+)", line)
                if m:
                    if m.group(1) != "p2p" or not HEX.match(m.group(2)):
                        raise NodeError(f"{self.label}: started as mode={m.group(1)} server_name={m.group(2)}, "
                                        "not a P2P node named by its key")
                    return m.group(2)
        return None

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        stop_process(self.proc, 20)

    @staticmethod
    def is_problem(line: str) -> bool:
        return " WARN " in line or " ERROR " in line

    def log_since(self, offset: int) -> str:
        """What the node logged from byte offset `offset` on (see log_size())."""
        try:
            with open(self.log_path, "rb") as f:
                f.seek(offset)
                return f.read().decode(errors="replace")
        except OSError:
            return ""


def wait_peered(node: P2PNode, keys, timeout_s: float) -> float:
    """Until node's /pinecone lists a link with every key in keys; returns the seconds it took."""
    t0 = time.monotonic()
    want = set(keys)
    last = None
    while time.monotonic() - t0 < timeout_s:
        try:
            last = node.direct_peers()
            if want <= last:
                return time.monotonic() - t0
        except NodeError as e:
            last = str(e)
        time.sleep(0.2)
    raise AssertionError(f"{node.label} did not peer with {sorted(k[:16] + '…' for k in want)} within "
                         f"{timeout_s:.0f} s; its direct peers: {last}")
