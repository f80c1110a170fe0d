"""Homeserver processes for the interop tests, on loopback only: a Synapse 1.98.0 and a `./larch run`.

Both speak federation over HTTPS with a self-signed certificate and are named `localhost:<federation port>`, so
each server reaches the other by the spec's "IP or hostname with an explicit port" rule: no .well-known, no SRV.
Ports are free ones chosen at run time and kept across a restart (the server name contains one).

Standard library only, so that any Python 3.8+ can run it: the Synapse config is written as JSON, which YAML
reads as it is. The Synapse venv (scripts/synapse.sh install) runs Synapse itself.

Command line, for a Synapse to poke at by hand (scripts/synapse.sh start|stop wraps it):
  nodes.py start-synapse DIR PYTHON   prepare DIR (once), start Synapse detached, print its URLs as shell variables
  nodes.py stop-synapse DIR           SIGTERM (then SIGKILL) the Synapse started in DIR
"""

import base64
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

# The interop suites' shared code; also when run as a command (scripts/synapse.sh).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))
from processes import stop_process as stop_popen  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tail(path: Path, n: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return f"(no {path.name})"


def http_status(url: str, timeout: float = 2.0):
    """The HTTP status of a GET, or None when nothing answers. HTTPS is not verified: the certs are self-signed."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(url, timeout=timeout, context=ctx) as res:
            return res.status
    except urllib.error.HTTPError as e:
        return e.code
    except (OSError, ssl.SSLError):
        return None


def self_signed_cert(cert: Path, key: Path, python: str = None) -> None:
    """A throwaway certificate for CN=localhost: openssl's CLI when present, else the `cryptography` package of the
    given Python (Synapse's venv has it)."""
    if shutil.which("openssl"):
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-sha256", "-days", "7", "-nodes",
             "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
            check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        return
    if not python:
        raise RuntimeError("no openssl on PATH and no Python with `cryptography` to make a TLS certificate")
    script = r"""
import datetime, ipaddress, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
now = datetime.datetime.now(datetime.timezone.utc)
cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=7))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256()))
open(sys.argv[1], "wb").write(cert.public_bytes(serialization.Encoding.PEM))
open(sys.argv[2], "wb").write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption()))
"""
    subprocess.run([python, "-c", script, str(cert), str(key)], check=True, stdin=subprocess.DEVNULL)


def stop_process(proc_or_pid, grace_s: float = 20.0) -> None:
    """SIGTERM, then SIGKILL after grace_s; waits for the exit either way."""
    if isinstance(proc_or_pid, subprocess.Popen):
        return stop_popen(proc_or_pid, grace_s)
    pid = int(proc_or_pid)
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class Node:
    """What the tests need of a homeserver: its client base URL, its server name, a log, stop and start."""

    kind = "node"

    def __init__(self, work: Path, label: str):
        self.work = Path(work)
        self.label = label
        self.proc = None
        self.client_port = None
        self.federation_port = None

    @property
    def server_name(self) -> str:
        return f"localhost:{self.federation_port}"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.client_port}"

    @property
    def federation_url(self) -> str:
        return f"https://127.0.0.1:{self.federation_port}"

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, n: int = 60) -> str:
        raise NotImplementedError

    def describe(self) -> str:
        return f"{self.label} ({self.kind}) {self.server_name} client={self.base_url} dir={self.work}"

    def wait_ready(self, timeout_s: float, started=lambda: True) -> None:
        """Until the client API answers /versions with 200 and the federation listener answers over TLS at all."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not self.running():
                raise RuntimeError(
                    f"{self.describe()} exited with code {self.proc.returncode} before it was ready:\n{self.log_tail()}")
            if (started() and http_status(f"{self.base_url}/_matrix/client/versions") == 200
                    and http_status(f"{self.federation_url}/_matrix/federation/v1/version") is not None):
                return
            time.sleep(0.2)
        tail_text = self.log_tail()
        self.stop()
        raise RuntimeError(f"{self.describe()} was not ready within {timeout_s:.0f} s:\n{tail_text}")

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc)


class SynapseNode(Node):
    """A Synapse 1.98.0 on 127.0.0.1 with sqlite, open registration, raised rate limits and short federation
    backoff. prepare() writes everything into `work` once; start() after stop() reuses it, as a restart would."""

    kind = "synapse"

    def __init__(self, work: Path, python: str, label: str = "synapse"):
        super().__init__(work, label)
        self.python = python
        self.config_path = self.work / "homeserver.yaml"
        self.log_path = self.work / "homeserver.log"
        self.out_path = self.work / "synapse.out"  # stdout/stderr: tracebacks before logging is set up

    def log_tail(self, n: int = 60) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            lines = []
        # Synapse says why a federation request failed at WARNING or ERROR, often long before the last lines.
        bad = [line for line in lines if " - WARNING - " in line or " - ERROR - " in line][-n // 2:]
        return (f"--- {self.out_path}\n{tail(self.out_path, 15)}\n"
                f"--- {self.log_path}: its last {len(bad)} warnings and errors\n" + "\n".join(bad) +
                f"\n--- {self.log_path}: its last {n // 2} lines\n" + "\n".join(lines[-n // 2:]))

    def prepare(self) -> "SynapseNode":
        self.work.mkdir(parents=True, exist_ok=True)
        if self.config_path.exists():
            cfg = json.loads(self.config_path.read_text())
            self.client_port = cfg["listeners"][0]["port"]
            self.federation_port = cfg["listeners"][1]["port"]
            return self
        self.client_port, self.federation_port = free_port(), free_port()
        cert, key = self.work / "tls.crt", self.work / "tls.key"
        self_signed_cert(cert, key, self.python)
        # signedjson's format: "<algorithm> <version> <unpadded base64 of the 32-byte seed>".
        seed = base64.b64encode(secrets.token_bytes(32)).decode().rstrip("=")
        (self.work / "signing.key").write_text(f"ed25519 a_{secrets.token_hex(2)} {seed}\n")
        (self.work / "log.yaml").write_text(json.dumps(self._log_config(), indent=1))
        self.config_path.write_text(json.dumps(self._config(cert, key), indent=1))
        return self

    def _log_config(self) -> dict:
        return {
            "version": 1,
            "formatters": {"precise": {
                "format": "%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s"}},
            "filters": {"context": {"()": "synapse.logging.context.LoggingContextFilter", "request": ""}},
            "handlers": {"file": {"class": "logging.FileHandler", "formatter": "precise",
                                  "filename": str(self.log_path), "filters": ["context"]}},
            "root": {"level": os.environ.get("INTEROP_SYNAPSE_LOG_LEVEL", "INFO"), "handlers": ["file"]},
            "disable_existing_loggers": False,
        }

    def _config(self, cert: Path, key: Path) -> dict:
        lots = {"per_second": 1000, "burst_count": 1000}
        return {
            "server_name": self.server_name,
            "public_baseurl": f"{self.base_url}/",
            "report_stats": False,
            "listeners": [
                {"port": self.client_port, "bind_addresses": ["127.0.0.1"], "type": "http", "tls": False,
                 "x_forwarded": False, "resources": [{"names": ["client"], "compress": False}]},
                {"port": self.federation_port, "bind_addresses": ["127.0.0.1"], "type": "http", "tls": True,
                 "resources": [{"names": ["federation", "keys"], "compress": False}]},
            ],
            "tls_certificate_path": str(cert),
            "tls_private_key_path": str(key),
            # The other side's certificate is self-signed too.
            "federation_verify_certificates": False,
            "database": {"name": "sqlite3", "args": {"database": str(self.work / "homeserver.db")}},
            "log_config": str(self.work / "log.yaml"),
            "media_store_path": str(self.work / "media"),
            "signing_key_path": str(self.work / "signing.key"),
            # Fetch the origin's keys from the origin itself; no matrix.org (no internet here anyway).
            "trusted_key_servers": [],
            "suppress_key_server_warning": True,
            # Loopback is blocked for outbound federation by default (DEFAULT_IP_RANGE_BLOCKLIST); allow only it.
            "ip_range_whitelist": ["127.0.0.0/8"],
            "enable_registration": True,
            "enable_registration_without_verification": True,
            "registration_shared_secret": secrets.token_hex(16),
            "macaroon_secret_key": secrets.token_hex(16),
            "form_secret": secrets.token_hex(16),
            "presence": {"enabled": False},
            "url_preview_enabled": False,
            "enable_metrics": False,
            "rc_message": lots,
            "rc_registration": lots,
            "rc_login": {"address": lots, "account": lots, "failed_attempts": lots},
            "rc_joins": {"local": lots, "remote": lots},
            "rc_joins_per_room": lots,
            "rc_invites": {"per_room": lots, "per_user": lots, "per_issuer": lots},
            "rc_3pid_validation": lots,
            "rc_key_requests": lots,
            "rc_admin_redaction": lots,
            "rc_federation": {"window_size": 1000, "sleep_limit": 1000, "sleep_delay": 1, "reject_limit": 1000,
                              "concurrent": 100},
            # A peer that is down is retried after seconds, not Synapse's default 10 minutes and up; one request
            # gives up after two quick retries instead of ten long ones, so catch-up starts soon after a restart.
            "federation": {
                "destination_min_retry_interval": "1s",
                "destination_retry_multiplier": 2,
                "destination_max_retry_interval": "5s",
                "max_long_retries": 2,
                "max_long_retry_delay": "2s",
                "max_short_retries": 2,
                "max_short_retry_delay": "1s",
            },
        }

    def start(self, timeout_s: float = 90.0) -> "SynapseNode":
        self.prepare()
        with open(self.out_path, "ab") as out:
            self.proc = subprocess.Popen(
                [self.python, "-m", "synapse.app.homeserver", "--config-path", str(self.config_path)],
                cwd=self.work, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,  # a Ctrl-C of the test run reaches it through our stop(), not twice
            )
        # Synapse writes its pid_file only when it daemonizes; this one is for `nodes.py stop-synapse`.
        (self.work / "synapse.pid").write_text(f"{self.proc.pid}\n")
        self.wait_ready(timeout_s)
        return self


class LarchNode(Node):
    """`./larch run` in classic mode, named localhost:<federation port>, federating over HTTPS on that port."""

    kind = "larch"
    STARTED = re.compile(r"\bstarted\b")

    def __init__(self, work: Path, label: str = "larch"):
        super().__init__(work, label)
        self.log_path = self.work / "larch.log"

    def log_tail(self, n: int = 60) -> str:
        return f"--- {self.log_path}\n{tail(self.log_path, n)}"

    def start(self, timeout_s: float = 120.0) -> "LarchNode":
        self.work.mkdir(parents=True, exist_ok=True)
        if self.client_port is None:
            self.client_port, self.federation_port = free_port(), free_port()
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [str(ROOT / "larch"), "run",
                 "--data-dir", str(self.work / "data"),
                 "--client-listen", f"127.0.0.1:{self.client_port}",
                 "--overlay-listen", "127.0.0.1:0",
                 "--no-multicast",
                 "--server-name", self.server_name,
                 "--federation-listen", f"127.0.0.1:{self.federation_port}",
                 # The peer is on loopback with a self-signed certificate, as in Synapse's own config here.
                 "--federation-allow-loopback", "true",
                 "--federation-verify-certificates", "false"],
                cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_ready(timeout_s, started=lambda: bool(self.STARTED.search(tail(self.log_path, 400))))
        return self


def _main(argv) -> int:
    if len(argv) == 4 and argv[1] == "start-synapse":
        node = SynapseNode(Path(argv[2]).resolve(), argv[3]).start()
        node.proc = None  # detached: it outlives this command; stop-synapse ends it by its pid file
        print(f"SYNAPSE_CLIENT_URL={node.base_url}")
        print(f"SYNAPSE_FEDERATION_URL={node.federation_url}")
        print(f"SYNAPSE_SERVER_NAME={node.server_name}")
        print(f"SYNAPSE_LOG={node.log_path}")
        return 0
    if len(argv) == 3 and argv[1] == "stop-synapse":
        pid_file = Path(argv[2]) / "synapse.pid"
        if not pid_file.exists():
            print(f"no {pid_file}: not running", file=sys.stderr)
            return 0
        pid = pid_file.read_text().strip()
        try:  # a stale pid file must not end whatever process got that number since
            ours = b"synapse.app.homeserver" in Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            ours = False
        if ours:
            stop_process(pid)
        pid_file.unlink()
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv))
