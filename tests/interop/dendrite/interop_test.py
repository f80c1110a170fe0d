"""Larch against a real Dendrite P2P node (dendrite-demo-pinecone v0.13.8): the overlay layer today, plus a record of
what Dendrite's federation client does towards Larch. Run through run.sh, which builds Dendrite and puts this process
in a loopback-only network namespace; the fixed ports below are free there by construction.

Phase 1, TCP peering: Dendrite dials Larch's overlay listener through pinecone_tap (a byte-exact relay that decodes
frames), so both sides' /pinecone and the wire itself can be checked.
  (a) both sides see the peering, agree on the tree root, and the link stays up;
  (b) a Dendrite user registers (m.login.dummy, no extra flag) and creates #beachparty:<dendrite hex>;
  (c) the Dendrite user invites @someone:<larch hex>, asks for that user's profile, resolves and joins an alias on
      Larch's domain and lists public rooms: the client answers and what crossed the overlay are written to
      observations.md. Assertions here hold whether or not Larch serves federation yet.
Phase 2, WebSocket peering: both restarted with the same keys; Dendrite dials ws://<larch client>/ws and Larch dials
ws://<dendrite client>/ws (both directions at once: two links).

Prints "dendrite-interop: N passed, N failed, 0 skipped" last; exit status 1 when anything failed.
Environment: LARCH_RUN (command that starts Larch, default "<repo>/larch run"), DENDRITE_INTEROP_OUT (keep logs and
observations.md there; default a temp dir, deleted after a passing run).
"""

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pinecone_tap import PineconeTap  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
DENDRITE_SH = os.path.join(HERE, "dendrite.sh")

LARCH_CLIENT = 8008
LARCH_OVERLAY = 5977
TAP = 5978
DENDRITE_CLIENT = 8009
PASSWORD = "correct-horse-battery"


def log(msg):
    print("dendrite-interop: " + msg, file=sys.stderr, flush=True)


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def http(method, url, body=None, token=None, timeout=40):
    """(status, parsed JSON or raw text, seconds). Never raises for HTTP statuses."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    took = time.monotonic() - started
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = raw.decode(errors="replace")
    return status, parsed, took


def wait_for(what, fn, timeout):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            value = fn()
            if value:
                return value
        except (OSError, ValueError, KeyError) as e:
            last = e
        time.sleep(0.25)
    raise Failure("timed out after %ds waiting for %s%s" % (timeout, what, " (last error: %s)" % last if last else ""))


def manhole(port):
    status, body, _ = http("GET", "http://127.0.0.1:%d/pinecone" % port, timeout=5)
    check(status == 200 and isinstance(body, dict), "GET /pinecone on %d: %s %s" % (port, status, body))
    return body


def peer_entries(view, key):
    """Peer entries for key in a /pinecone view (Go: a map of key -> list of ports; the node's own key is listed
    too, as port 0 'local')."""
    entries = (view.get("peers") or {}).get(key) or []
    return [e for e in entries if e.get("port", 0) != 0]


class Larch:
    def __init__(self, out, data_dir, extra):
        self.log_path = os.path.join(out, "larch.log")
        cmd = shlex.split(os.environ.get("LARCH_RUN", os.path.join(ROOT, "larch") + " run"))
        cmd += ["--data-dir", data_dir, "--client-listen", "127.0.0.1:%d" % LARCH_CLIENT,
                "--overlay-listen", "127.0.0.1:%d" % LARCH_OVERLAY, "--no-multicast"] + extra
        self.logf = open(self.log_path, "a")
        self.offset = self.logf.tell()  # the log is shared by both phases; read this run's lines only
        self.logf.write("\n=== %s\n" % " ".join(cmd))
        self.logf.flush()
        self.proc = subprocess.Popen(cmd, stdout=self.logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     cwd=ROOT)
        self.key = wait_for("Larch's startup line", self._started, 120)

    def _started(self):
        if self.proc.poll() is not None:
            raise Failure("Larch exited with %s before it started; see %s" % (self.proc.returncode, self.log_path))
        with open(self.log_path) as f:
            f.seek(self.offset)
            for line in f:
                if " started mode=p2p server_name=" in line:
                    return line.split("server_name=")[1].split()[0]
        return None

    def log_text(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.logf.close()


class Dendrite:
    def __init__(self, data_dir, peers):
        self.dir = data_dir
        args = [DENDRITE_SH, "start", "--dir", data_dir, "--port", str(DENDRITE_CLIENT)]
        for p in peers:
            args += ["--peer", p]
        res = subprocess.run(args, capture_output=True, text=True, timeout=60)
        if res.returncode != 0:
            raise Failure("dendrite.sh start failed: %s" % res.stderr.strip())
        self.key = res.stdout.strip().splitlines()[-1]
        check(len(self.key) == 64, "dendrite.sh start printed %r, not a key" % self.key)
        self.log_path = os.path.join(data_dir, "dendrite.log")

    def log_text(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self):
        subprocess.run([DENDRITE_SH, "stop", "--dir", self.dir], timeout=30)


class Run:
    def __init__(self, out):
        self.out = out
        self.passed = []
        self.failed = []
        self.notes = []  # observation lines for observations.md

    def test(self, name, fn):
        started = time.monotonic()
        try:
            fn()
            self.passed.append(name)
            log("PASS %s (%.1f s)" % (name, time.monotonic() - started))
            return True
        except Exception as e:  # a failed check or a crash of the test itself: both are failures
            self.failed.append(name)
            detail = str(e) if isinstance(e, Failure) else traceback.format_exc()
            log("FAIL %s: %s" % (name, detail))
            return False

    def note(self, line=""):
        self.notes.append(line)


def phase_tcp(run, work):
    larch_dir = os.path.join(work, "larch-data")
    dendrite_dir = os.path.join(work, "dendrite-data")
    tap = PineconeTap(TAP, LARCH_OVERLAY)
    larch = dendrite = None
    ctx = {}
    try:
        larch = Larch(run.out, larch_dir, [])
        dendrite = Dendrite(dendrite_dir, ["127.0.0.1:%d" % TAP])
        lhex, dhex = larch.key, dendrite.key
        ctx.update(lhex=lhex, dhex=dhex)
        run.note("- Larch server name `%s`, Dendrite server name `%s`." % (lhex, dhex))

        def peering():
            def both():
                d = peer_entries(manhole(DENDRITE_CLIENT), lhex)
                l = peer_entries(manhole(LARCH_CLIENT), dhex)
                return (d, l) if d and l else None

            d, l = wait_for("both /pinecone views to list the other node", both, 30)
            check(len(d) == 1 and d[0].get("zone") == "static" and d[0].get("uri") == "127.0.0.1:%d" % TAP,
                  "Dendrite's entry for Larch: %s" % d)
            check(len(l) == 1, "Larch's entries for Dendrite: %s" % l)
            dview, lview = manhole(DENDRITE_CLIENT), manhole(LARCH_CLIENT)
            check(dview["public_key"] == dhex and lview["public_key"] == lhex, "public_key fields")
            want_root = max(lhex, dhex)  # the highest key wins (bytewise = lexicographic on lowercase hex)
            check(dview["root"]["root_public_key"] == want_root and lview["root"]["root_public_key"] == want_root,
                  "roots differ: Dendrite %s, Larch %s, expected %s" % (dview["root"], lview["root"], want_root))
            hs = [e for e in tap.snapshot() if e["kind"] == "handshake"]
            check({e["key"] for e in hs} == {lhex, dhex} and all(e["capabilities"] == 0x3B for e in hs),
                  "handshakes on the wire: %s" % hs)
            check("Connected to peer %s" % lhex in dendrite.log_text(), "no 'Connected to peer' line in Dendrite's log")
            check("peer up port=%d key=%s" % (l[0]["port"], dhex) in larch.log_text(), "no 'peer up' line in Larch's log")
            ctx["d_port"] = d[0]["port"]
            run.note("- Peering: Dendrite lists Larch on port %d (zone `static`, uri `%s`, coords `%s`); Larch lists "
                     "Dendrite on port %d; both roots `%s`." % (d[0]["port"], d[0].get("uri"), d[0].get("coords"),
                                                              l[0]["port"], want_root[:16] + "…"))

        if not run.test("tcp: both sides see the peering, same root", peering):
            return

        base = "http://127.0.0.1:%d/_matrix/client/v3" % DENDRITE_CLIENT

        def register():
            status, body, _ = http("POST", base + "/register", {"username": "alice", "password": PASSWORD})
            check(status == 401 and any(f.get("stages") == ["m.login.dummy"] for f in body.get("flows", [])),
                  "register without auth: %s %s" % (status, body))
            status, body, _ = http("POST", base + "/register", {"username": "alice", "password": PASSWORD,
                                                               "auth": {"type": "m.login.dummy"}})
            check(status == 200 and body.get("user_id") == "@alice:" + dhex, "register: %s %s" % (status, body))
            ctx["token"] = body["access_token"]

        if not run.test("dendrite: register @alice with m.login.dummy", register):
            return

        def beachparty():
            status, body, _ = http("POST", base + "/createRoom", {"room_alias_name": "beachparty", "preset": "public_chat",
                                                                 "visibility": "public", "name": "Beach party"},
                                   ctx["token"])
            alias = "#beachparty:" + dhex
            check(status == 200 and body.get("room_alias") == alias, "createRoom: %s %s" % (status, body))
            room_id = body["room_id"]
            check(room_id.endswith(":" + dhex), "room ID %s" % room_id)
            status, body, _ = http("GET", base + "/directory/room/" + urllib.parse.quote(alias, safe=""))
            check(status == 200 and body.get("room_id") == room_id and dhex in body.get("servers", []),
                  "alias lookup: %s %s" % (status, body))
            status, body, _ = http("GET", base + "/rooms/%s/state/m.room.create" % urllib.parse.quote(room_id),
                                   token=ctx["token"])
            check(status == 200, "create event: %s %s" % (status, body))
            ctx["room_id"] = room_id
            run.note("- `%s` → `%s`, room version %s." % (alias, room_id, body.get("room_version")))

        if not run.test("dendrite: createRoom #beachparty:<dendrite hex>", beachparty):
            return

        run.test("observe: Dendrite's federation requests towards Larch", lambda: observe(run, ctx, tap, dendrite))

        def stable():
            d = peer_entries(manhole(DENDRITE_CLIENT), lhex)
            check(len(d) == 1 and d[0]["port"] == ctx["d_port"], "Dendrite's peering with Larch changed: %s" % d)
            check("Disconnected from peer" not in dendrite.log_text(), "Dendrite logged a disconnection")
            check(sum(1 for e in tap.snapshot() if e["kind"] == "closed") == 0, "the tapped TCP link closed")

        run.test("tcp: the peering stayed up through the federation attempts", stable)
    finally:
        for proc in (dendrite, larch):
            if proc:
                proc.stop()
        tap.close()
        events = tap.snapshot()
        with open(os.path.join(run.out, "tap-events.jsonl"), "w") as f:
            for e in events:
                f.write(json.dumps(e) + "\n")
    ctx["larch_dir"], ctx["dendrite_dir"] = larch_dir, dendrite_dir
    return ctx


def traffic_between(events, src, dst):
    return [e for e in events if e["kind"] == "frame" and e["type"] == "traffic" and e.get("src") == src
            and e.get("dst") == dst]


def schedule(frames, since):
    """When the packets went out, relative to the start of the call: '+0.00 s ×2, +0.20 s ×2, …'."""
    times = {}
    for f in frames:
        t = "+%.1f s" % (f["t"] - since)
        times[t] = times.get(t, 0) + 1
    return ", ".join("%s ×%d" % kv for kv in times.items())


def describe_quic(frames):
    if not frames:
        return "none"
    kinds = {}
    for f in frames:
        q = f.get("quic", {})
        k = "%s %s %s" % (q.get("form"), q.get("version", ""), q.get("type", ""))
        kinds[k.strip()] = kinds.get(k.strip(), 0) + 1
    sizes = sorted({f["payload_len"] for f in frames})
    return "%d frames (%s; payload sizes %s)" % (len(frames), ", ".join("%s ×%d" % kv for kv in sorted(kinds.items())),
                                                 sizes)


def observe(run, ctx, tap, dendrite):
    """(c): requests that make Dendrite talk federation to Larch. Records everything; asserts only what must hold
    with or without Larch federation: every call answers (no hang past Dendrite's own timeouts), and Dendrite's
    first attempt opens QUIC v1 towards Larch's key over the peering."""
    lhex, dhex, token = ctx["lhex"], ctx["dhex"], ctx["token"]
    base = "http://127.0.0.1:%d/_matrix/client/v3" % DENDRITE_CLIENT
    someone = "@someone:" + lhex
    lagoon = urllib.parse.quote("#lagoon:" + lhex, safe="")
    calls = [
        ("invite %s" % someone, "POST", "/rooms/%s/invite" % urllib.parse.quote(ctx["room_id"]), {"user_id": someone}),
        ("profile of %s" % someone, "GET", "/profile/" + urllib.parse.quote(someone), None),
        ("resolve alias #lagoon:<larch>", "GET", "/directory/room/" + lagoon, None),
        ("join #lagoon:<larch>", "POST", "/join/" + lagoon, {}),
        ("public rooms (fan-out to direct peers)", "GET", "/publicRooms", None),
        ("public rooms of server=<larch>", "GET", "/publicRooms?server=" + lhex, None),
    ]
    run.note()
    run.note("### What Dendrite did towards Larch (client call → answer; overlay traffic during the call)")
    run.note()
    run.note("| Dendrite client call | status | time | errcode / error | Dendrite→Larch traffic (sent at) "
             "| Dendrite→other keys, routed to Larch | Larch→Dendrite |")
    run.note("|---|---|---|---|---|---|---|")
    log_before = len(dendrite.log_text())
    first_attempt = None
    for label, method, path, body in calls:
        since = time.time()
        status, resp, took = http(method, base + path, body, token, timeout=45)
        time.sleep(0.3)  # late retransmissions of this call's packets
        events = tap.snapshot(since)
        out = traffic_between(events, dhex, lhex)
        back = traffic_between(events, lhex, dhex)
        # SNEK hands a frame for an unknown key to the peer closest to it in key space: with Larch the only peer,
        # Dendrite's queries to its hard-coded default server arrive at Larch.
        elsewhere = [e for e in events if e["kind"] == "frame" and e["type"] == "traffic" and e.get("src") == dhex
                     and e.get("dst") != lhex]
        if first_attempt is None:
            first_attempt = (status, resp, out)
        err = resp if isinstance(resp, str) else "%s: %s" % (resp.get("errcode"), resp.get("error")) \
            if isinstance(resp, dict) and ("errcode" in resp or "error" in resp) else json.dumps(resp)[:160]
        other = "%d frames to %s" % (len(elsewhere), sorted({e["dst"][:16] + "…" for e in elsewhere})) \
            if elsewhere else "none"
        run.note("| %s | %s | %.1f s | %s | %s | %s | %d frames |" % (
            label, status, took, str(err).replace("|", "\\|")[:400],
            describe_quic(out) + (" at " + schedule(out, since) if out else ""), other, len(back)))
        log("observed: %s -> %s in %.1f s; %d traffic frames to Larch, %d back" % (label, status, took, len(out),
                                                                                   len(back)))
        check(isinstance(resp, (dict, list)) or status == 200, "%s: a non-JSON answer %s %r" % (label, status, resp))
    new_log = dendrite.log_text()[log_before:]
    run.note()
    run.note("Dendrite's log lines for these calls (level warning/error, trimmed):")
    run.note()
    run.note("```")
    for line in new_log.splitlines():
        if "level=error" in line or "level=warning" in line:
            run.note(line[:600])
    run.note("```")
    status, resp, out = first_attempt
    check(out, "the invite produced no traffic frame from Dendrite to Larch's key")
    check(any(f["quic"].get("form") == "long" and f["quic"].get("version") == "0x00000001"
              and f["quic"].get("type") == "initial" for f in out),
          "no QUIC v1 Initial among Dendrite's frames to Larch: %s" % [f["quic"] for f in out])


def phase_ws(run, ctx):
    larch = dendrite = None
    try:
        # Larch dials Dendrite's /ws (a static peer, redialled with backoff until Dendrite is up), and Dendrite dials
        # Larch's /ws: two links between the same pair, one opened by each side.
        larch = Larch(run.out, ctx["larch_dir"], ["--static-peer", "ws://127.0.0.1:%d/ws" % DENDRITE_CLIENT])
        log_start = os.path.getsize(os.path.join(ctx["dendrite_dir"], "dendrite.log"))
        dendrite = Dendrite(ctx["dendrite_dir"], ["ws://127.0.0.1:%d/ws" % LARCH_CLIENT])

        def same_keys():
            check(larch.key == ctx["lhex"] and dendrite.key == ctx["dhex"],
                  "keys changed across restart: %s %s" % (larch.key, dendrite.key))

        run.test("ws: both nodes keep their keys across a restart", same_keys)

        def ws_peering():
            lhex, dhex = ctx["lhex"], ctx["dhex"]

            def both():
                d = peer_entries(manhole(DENDRITE_CLIENT), lhex)
                l = peer_entries(manhole(LARCH_CLIENT), dhex)
                return (d, l) if len(d) == 2 and len(l) == 2 else None

            d, l = wait_for("two WebSocket peerings on both sides", both, 45)
            # Dendrite's outbound link is a static peer with our URI; its inbound one (our dial) has zone websocket.
            zones = sorted((e.get("zone"), e.get("uri") or "") for e in d)
            check(zones == [("static", "ws://127.0.0.1:%d/ws" % LARCH_CLIENT), ("websocket", "")],
                  "Dendrite's entries for Larch: %s" % d)
            check(any(e.get("uri") == "ws://127.0.0.1:%d/ws" % DENDRITE_CLIENT for e in l),
                  "Larch's entries for Dendrite lack its own dial: %s" % l)
            run.note()
            run.note("- WebSocket peering: Dendrite lists Larch twice: %s; Larch lists Dendrite twice: %s."
                     % ([(e.get("zone"), e.get("uri")) for e in d], [e.get("uri") for e in l]))
            # Both links must outlive the 5 s liveness timeout: keepalives flow over WebSocket messages both ways.
            ports = sorted(e["port"] for e in d)
            time.sleep(8)
            d2 = peer_entries(manhole(DENDRITE_CLIENT), lhex)
            check(sorted(e["port"] for e in d2) == ports, "the WebSocket peerings changed within 8 s: %s -> %s"
                  % (d, d2))
            check("Disconnected from peer" not in dendrite.log_text()[log_start:],
                  "Dendrite logged a disconnection on a WebSocket peering")

        run.test("ws: Dendrite dials Larch's /ws and Larch dials Dendrite's /ws; both links stay up", ws_peering)
    finally:
        for proc in (dendrite, larch):
            if proc:
                proc.stop()


def interfaces():
    """Interfaces of this network namespace (/sys/class/net shows the host's unless sysfs is remounted)."""
    with open("/proc/net/dev") as f:
        return sorted(line.split(":")[0].strip() for line in f.readlines()[2:])


def main():
    keep = "DENDRITE_INTEROP_OUT" in os.environ
    out = os.environ.get("DENDRITE_INTEROP_OUT") or tempfile.mkdtemp(prefix="dendrite-interop-")
    os.makedirs(out, exist_ok=True)
    work = os.path.join(out, "work")
    if os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(work)
    run = Run(out)
    if interfaces() != ["lo"]:
        log("FAIL: not in a loopback-only network namespace; start through tests/interop/dendrite/run.sh")
        print("dendrite-interop: 0 passed, 1 failed, 0 skipped")
        return 1
    started = time.monotonic()
    try:
        ctx = phase_tcp(run, work)
        if ctx:
            phase_ws(run, ctx)
    except Exception:  # setup (starting a node) failed
        run.failed.append("setup")
        log("FAIL setup: %s" % traceback.format_exc())
    with open(os.path.join(out, "observations.md"), "w") as f:
        f.write("\n".join(run.notes) + "\n")
    log("observations (%s):\n%s" % (os.path.join(out, "observations.md"), "\n".join(run.notes)))
    log("%.0f s in all" % (time.monotonic() - started))
    if run.failed:
        for name in ("larch.log", "work/dendrite-data/dendrite.log"):
            path = os.path.join(out, name)
            if os.path.exists(path):
                with open(path) as f:
                    tail = f.read().splitlines()[-40:]
                log("--- last lines of %s ---\n%s" % (path, "\n".join(tail)))
        log("logs kept in %s" % out)
    elif not keep:
        shutil.rmtree(out, ignore_errors=True)
    print("dendrite-interop: %d passed, %d failed, 0 skipped" % (len(run.passed), len(run.failed)))
    return 1 if run.failed else 0


if __name__ == "__main__":
    sys.exit(main())
