"""A byte-exact TCP relay between two Pinecone peers that records what crosses it.

Dendrite dials the tap (`-peer 127.0.0.1:<tap>`), the tap dials Larch's overlay port, and every byte is forwarded
unchanged in both directions. Alongside, each direction is decoded (p2p-federation.md 3.6): the 104-byte handshake
(the sender's key), then 10-byte-header frames. For traffic frames (type 3) it records source and destination keys
and the first QUIC packet in the payload (long or short header, version, packet type), which is how the interop test
sees what Dendrite's federation client sends towards Larch without any hook in either program.
Standard library only.
"""

import socket
import struct
import threading
import time

HANDSHAKE_LEN = 104
MAGIC = b"pine"
FRAME_TYPES = {0: "keepalive", 1: "tree_announcement", 2: "bootstrap", 3: "traffic", 4: "wakeup_broadcast"}
QUIC_V1_TYPES = {0: "initial", 1: "0rtt", 2: "handshake", 3: "retry"}


def quic_summary(payload):
    """The first QUIC packet of a datagram: header form, version and (v1) long-header type."""
    if not payload:
        return {"form": "empty"}
    first = payload[0]
    if first & 0x80 == 0:
        return {"form": "short", "fixed_bit": bool(first & 0x40)}
    if len(payload) < 6:
        return {"form": "long", "truncated": True}
    version = struct.unpack(">I", payload[1:5])[0]
    out = {"form": "long", "version": "0x%08x" % version, "dcid_len": payload[5]}
    if version == 1:
        out["type"] = QUIC_V1_TYPES[(first & 0x30) >> 4]
    elif version == 0:
        out["type"] = "version_negotiation"
    return out


def _coords_end(frame, pos):
    (n,) = struct.unpack(">H", frame[pos:pos + 2])
    return pos + 2 + n, n


def decode_traffic(frame):
    """Keys and payload of a type-3 frame: u16 payload length, dst coords, src coords, dst key, src key, [watermark],
    payload (the payload is the frame's tail)."""
    (plen,) = struct.unpack(">H", frame[10:12])
    pos, dst_coords_len = _coords_end(frame, 12)
    pos, _ = _coords_end(frame, pos)
    dst = frame[pos:pos + 32].hex()
    src = frame[pos + 32:pos + 64].hex()
    payload = frame[len(frame) - plen:] if plen else b""
    return {"dst": dst, "src": src, "payload_len": plen, "snek_routed": dst_coords_len == 0,
            "quic": quic_summary(payload)}


class Direction:
    """Decodes one direction of a peering; feed() takes bytes as they arrive."""

    def __init__(self, name, events, lock):
        self.name = name
        self.events = events
        self.lock = lock
        self.buf = bytearray()
        self.handshake_done = False
        self.broken = None
        self.key = None

    def _record(self, event):
        event["dir"] = self.name
        event["t"] = time.time()
        with self.lock:
            self.events.append(event)

    def feed(self, data):
        if self.broken:
            return
        self.buf += data
        if not self.handshake_done:
            if len(self.buf) < HANDSHAKE_LEN:
                return
            hs = bytes(self.buf[:HANDSHAKE_LEN])
            del self.buf[:HANDSHAKE_LEN]
            self.handshake_done = True
            self.key = hs[8:40].hex()
            self._record({"kind": "handshake", "version": hs[0],
                          "capabilities": struct.unpack(">I", hs[4:8])[0], "key": self.key})
        while len(self.buf) >= 10:
            if bytes(self.buf[:4]) != MAGIC:
                self.broken = "bad magic %s" % bytes(self.buf[:4]).hex()
                self._record({"kind": "decode_error", "error": self.broken})
                return
            (length,) = struct.unpack(">H", self.buf[8:10])
            if length < 10:
                self.broken = "frame length %d" % length
                self._record({"kind": "decode_error", "error": self.broken})
                return
            if len(self.buf) < length:
                return
            frame = bytes(self.buf[:length])
            del self.buf[:length]
            ftype = frame[5]
            event = {"kind": "frame", "type": FRAME_TYPES.get(ftype, "type%d" % ftype), "len": length}
            if ftype == 3:
                try:
                    event.update(decode_traffic(frame))
                except (struct.error, IndexError) as e:
                    event["decode_error"] = str(e)
            self._record(event)


class PineconeTap:
    """Listens on 127.0.0.1:listen_port and relays each connection to 127.0.0.1:target_port."""

    def __init__(self, listen_port, target_port):
        self.target_port = target_port
        self.events = []
        self.lock = threading.Lock()
        self.connections = 0
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", listen_port))
        self.server.listen(4)
        self.closed = False
        self.sockets = []
        threading.Thread(target=self._accept, name="tap-accept", daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
                upstream.settimeout(None)
            except OSError as e:
                with self.lock:
                    self.events.append({"kind": "upstream_error", "error": str(e), "t": time.time()})
                client.close()
                continue
            for s in (client, upstream):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.connections += 1
            self.sockets += [client, upstream]
            n = self.connections
            threading.Thread(target=self._pump, args=(client, upstream, Direction("dialer->target", self.events, self.lock)),
                             name="tap-%d-up" % n, daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, Direction("target->dialer", self.events, self.lock)),
                             name="tap-%d-down" % n, daemon=True).start()

    def _pump(self, src, dst, decoder):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
                decoder.feed(data)
        except OSError:
            pass
        finally:
            with self.lock:
                self.events.append({"kind": "closed", "dir": decoder.name, "t": time.time()})
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def snapshot(self, since=0.0):
        with self.lock:
            return [e for e in self.events if e["t"] >= since]

    def close(self):
        self.closed = True
        self.server.close()
        for s in self.sockets:
            try:
                s.close()
            except OSError:
                pass
