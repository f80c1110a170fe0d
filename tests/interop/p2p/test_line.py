"""Three P2P nodes in a line, A–B–C (A and C not peered; B routes), driven by matrix-nio clients: alice on A, carol
on C. Written against the Matrix client-server spec and Dendrite's P2P behaviour (shared/design/p2p-federation.md
sections 4, 5 and 8), not against either server's code: every assertion is what a user sees.

Steps run in file order and share the nodes; a step whose prerequisite failed is skipped, naming it. Waits are
bounded: P2P_STEP_TIMEOUT_S (45 s) per request and per wait, P2P_CATCHUP_TIMEOUT_S (60 s) for C's catch-up after
its outage, P2P_PEER_TIMEOUT_S (60 s) for peerings. Timings (C's start to "peered and room joined", the A→C→A round
trip) are printed at the end and in the steps' output.
"""

import asyncio
import os
import statistics
import struct
import time
import zlib

from nio import (
    JoinResponse,
    MemoryDownloadResponse,
    RoomCreateResponse,
    RoomPreset,
    RoomResolveAliasResponse,
    RoomSendResponse,
    RoomVisibility,
    SyncResponse,
    UploadResponse,
)

from matrix_client import back_paginate, expect, flows, register, run, send_text, timeline_items, wait_until
from p2p_nodes import wait_peered
from steps import clients_closed_at_end, note, prerequisites

CATCHUP_TIMEOUT_S = float(os.environ.get("P2P_CATCHUP_TIMEOUT_S", "60"))
PEER_TIMEOUT_S = float(os.environ.get("P2P_PEER_TIMEOUT_S", "60"))
# How long C stays down after alice's 3 messages: longer than one failed delivery attempt (a QUIC dial gives up
# after 5 s), so A has to notice C is back, as after a real outage.
C_DOWN_S = float(os.environ.get("P2P_C_DOWN_S", "8"))
# 0 (default): C must get the missed messages on its own. N > 0: if nothing came N s after C's restart, carol sends
# a message (an inbound request from C is a sign for A that C is back), for diagnosing which wake-up works.
NUDGE_AFTER_S = float(os.environ.get("P2P_NUDGE_AFTER_S", "0"))
RTT_ROUNDS = int(os.environ.get("P2P_RTT_ROUNDS", "10"))
SUFFIX = f"{int(time.time() * 1000) % 36**6:x}"

state = {"done": set()}  # shared by the steps, in order
needs = prerequisites(state)
close_clients = clients_closed_at_end(state)


def png(width: int, height: int) -> bytes:
    """A real PNG (RGB gradient), so that a server that sniffs or thumbnails it finds an image."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"".join(bytes((x * 255 // width, y * 255 // height, 128)) for x in range(width))
                    for y in range(height))  # filter byte 0, then RGB per pixel
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_a_a_and_b_peer(line, loop):
    """B starts with no peer, A dials B; alice registers on A."""
    line.b.start()
    line.a.start()
    took = wait_peered(line.a, {line.b.server_name}, PEER_TIMEOUT_S)
    wait_peered(line.b, {line.a.server_name}, PEER_TIMEOUT_S)
    note(f"{line.mode}: A {line.a.server_name}, B {line.b.server_name}; A peered with B {took:.1f} s after both "
         "were up")
    state["alice"] = register(loop, "alice@A", line.a, f"alice{SUFFIX}")
    state.setdefault("clients", []).append(state["alice"])
    state["done"].add("a-up")


def test_b_beachparty_on_a(line, loop):
    """alice creates the public room #beachparty:<A hex>, then 3 messages and an image (upload, then m.image)."""
    needs("a-up")
    alice = state["alice"]
    r = expect(run(loop, alice.room_create(visibility=RoomVisibility.public, preset=RoomPreset.public_chat,
                                           alias="beachparty", name="Beach party", topic="P2P line scenario")),
               RoomCreateResponse, "alice: POST /createRoom (public, alias beachparty)")
    alias = f"#beachparty:{line.a.server_name}"
    resolved = expect(run(loop, alice.room_resolve_alias(alias)), RoomResolveAliasResponse,
                      f"alice: GET /directory/room/{alias}")
    assert resolved.room_id == r.room_id, f"{alias} resolves to the new room on A: {resolved.room_id}"
    early = [f"beach message {i} (before carol came)" for i in range(1, 4)]
    ids = [send_text(loop, alice, r.room_id, body) for body in early]

    image = png(24, 16)
    up, _ = run(loop, alice.upload(lambda *_: image, content_type="image/png", filename="beach.png",
                                   filesize=len(image)))
    up = expect(up, UploadResponse, "alice: POST /_matrix/media/v3/upload (image/png)")
    assert up.content_uri.startswith(f"mxc://{line.a.server_name}/"), f"the media is A's: {up.content_uri}"
    sent = expect(run(loop, alice.room_send(r.room_id, "m.room.message", {
        "msgtype": "m.image", "body": "beach.png", "url": up.content_uri,
        "info": {"mimetype": "image/png", "size": len(image), "w": 24, "h": 16}})),
        RoomSendResponse, "alice: PUT /send/m.room.message (m.image)")
    ids.append(sent.event_id)
    state.update(room=r.room_id, alias=alias, early=early, early_ids=ids, image=image, mxc=up.content_uri)
    state["done"].add("beachparty")


def test_c_c_joins_by_alias(line, loop):
    """C starts (dialling B only), carol registers and joins #beachparty:<A hex>: C asks A over the overlay, with B
    routing. Measured: C's start to its client API, to the peering with B, to the room joined."""
    needs("beachparty")
    alice, room, alias = state["alice"], state["room"], state["alias"]
    t0 = time.monotonic()
    line.c.start()
    t_up = time.monotonic() - t0
    wait_peered(line.c, {line.b.server_name}, PEER_TIMEOUT_S)
    t_peered = time.monotonic() - t0
    note(f"{line.mode}: C {line.c.server_name}: from starting C's node: client API up {t_up:.1f} s, peered with B "
         f"{t_peered:.1f} s")
    carol = register(loop, "carol@C", line.c, f"carol{SUFFIX}")
    state.setdefault("clients", []).append(carol)
    state["carol"] = carol
    resolved = expect(run(loop, carol.room_resolve_alias(alias)), RoomResolveAliasResponse,
                      f"carol: GET /directory/room/{alias} (C asks A: query/directory)")
    assert resolved.room_id == room, f"{alias} resolves to alice's room on C: {resolved.room_id} != {room}"
    j = expect(run(loop, carol.join(alias)), JoinResponse, f"carol: POST /join/{alias} (make_join/send_join to A)")
    assert j.room_id == room, f"joining {alias} joins {room}: {j.room_id}"
    t_joined = time.monotonic() - t0
    note(f"{line.mode}: from starting C's node to 'peered and room joined': {t_joined:.1f} s (peered at "
         f"{t_peered:.1f} s, then carol registered, resolved the alias and joined)")
    state["t_joined"] = t_joined

    # The line really is a line: A and C have no link with each other, so everything above went through B.
    a_peers, c_peers = line.a.direct_peers(), line.c.direct_peers()
    assert line.c.server_name not in a_peers and line.a.server_name not in c_peers, (
        f"A and C must not be peered directly: A's peers {sorted(a_peers)}, C's peers {sorted(c_peers)}")
    assert {line.a.server_name, line.c.server_name} <= line.b.direct_peers(), "B has links with A and C"

    wait_until(loop, carol, lambda: carol.membership(room, carol.user_id) == "join", "her own join in #beachparty")
    wait_until(loop, alice, lambda: alice.membership(room, carol.user_id) == "join", "carol's join in #beachparty")
    state["done"].add("joined")


def test_d_c_sees_earlier_history(line, loop):
    """carol sees alice's 3 earlier messages and the image, once each, in order: what her sync carried plus
    /messages back-pagination from there (C gets what it lacks from A: the join's state, /backfill)."""
    needs("joined")
    carol, room = state["carol"], state["room"]
    older, seen = back_paginate(loop, carol, room, state["early_ids"])
    items = [i for i in timeline_items(older + seen) if i[1] in state["early"] + [state["mxc"]]]
    want = [("text", b) for b in state["early"]] + [("image", state["mxc"])]
    note(f"{line.mode}: carol saw the {len(want)} earlier events: {len(timeline_items(older))} message events via "
         f"/messages, {len(timeline_items(seen))} via /sync")
    assert items == want, f"carol sees the history before her join once each, in order: {items} != {want}"
    state["done"].add("history")


def test_e_c_downloads_the_image_from_a(line, loop):
    """carol downloads the image through C, which fetches it from A over the overlay (federation media)."""
    needs("history")
    carol, mxc, image = state["carol"], state["mxc"], state["image"]
    t0 = time.monotonic()
    d = expect(run(loop, carol.download(mxc=mxc)), MemoryDownloadResponse,
               f"carol: GET /_matrix/client/v1/media/download/{mxc[6:]} (remote media on A)")
    took = time.monotonic() - t0
    assert d.body == image, f"the bytes carol got ({len(d.body)}) are the ones alice uploaded ({len(image)})"
    assert d.content_type.split(";")[0].strip() == "image/png", f"content type: {d.content_type}"
    # A's access rules apply: media A does not have is not found, whoever asks through C.
    missing = f"mxc://{line.a.server_name}/NoSuchMedia{SUFFIX}"
    m = run(loop, carol.download(mxc=missing))
    assert not isinstance(m, MemoryDownloadResponse) and getattr(m, "status_code", None) == "M_NOT_FOUND", (
        f"media A does not have: expected 404 M_NOT_FOUND through C, got {type(m).__name__} "
        f"{getattr(m, 'status_code', '')} {getattr(m, 'message', '')}")
    note(f"{line.mode}: carol downloaded the image from A through C in {took:.2f} s (first fetch)")
    state["done"].add("media")


def test_f_messages_both_ways(line, loop):
    needs("joined")
    alice, carol, room = state["alice"], state["carol"], state["room"]
    ac = flows(loop, alice, carol, room, "hello carol, from A")
    ca = flows(loop, carol, alice, room, "hello alice, from C")
    note(f"{line.mode}: first messages: A→C {ac:.2f} s, C→A {ca:.2f} s (send to the receiver's sync)")
    state["done"].add("both-ways")


def test_g_round_trip_a_c_a(line, loop):
    """alice sends, carol answers as soon as her sync shows it, alice's sync shows the answer: the round trip."""
    needs("both-ways")
    alice, carol, room = state["alice"], state["carol"], state["room"]
    rtts = []
    for i in range(RTT_ROUNDS):
        t0 = time.monotonic()
        send_text(loop, alice, room, f"ping {i} {SUFFIX}")
        wait_until(loop, carol, lambda: f"ping {i} {SUFFIX}" in carol.bodies(room), f"ping {i}")
        send_text(loop, carol, room, f"pong {i} {SUFFIX}")
        wait_until(loop, alice, lambda: f"pong {i} {SUFFIX}" in alice.bodies(room), f"pong {i}")
        rtts.append(time.monotonic() - t0)
    note(f"{line.mode}: round trip A→C→A over {RTT_ROUNDS} rounds: median {statistics.median(rtts) * 1000:.0f} ms, "
         f"min {min(rtts) * 1000:.0f} ms, max {max(rtts) * 1000:.0f} ms")
    state["done"].add("rtt")


def test_h_b_restarts(line, loop):
    """B (the only route between A and C) stops and starts again on the same data dir: same key; A and C peer with
    it again by themselves and the conversation continues both ways."""
    needs("both-ways")
    alice, carol, room = state["alice"], state["carol"], state["room"]
    key = line.b.server_name
    line.b.stop()
    t0 = time.monotonic()
    line.b.start()
    assert line.b.server_name == key, "B keeps its key across the restart"
    wait_peered(line.b, {line.a.server_name, line.c.server_name}, PEER_TIMEOUT_S)
    t_peered = time.monotonic() - t0
    ac = flows(loop, alice, carol, room, "still here after B's restart? (from A)", PEER_TIMEOUT_S)
    ca = flows(loop, carol, alice, room, "yes, B is back (from C)", PEER_TIMEOUT_S)
    note(f"{line.mode}: B restarted: A and C peered with it again {t_peered:.1f} s after its start; then A→C "
         f"{ac:.1f} s, C→A {ca:.1f} s")
    state["done"].add("b-restart")


def test_i_c_offline_then_catches_up(line, loop):
    """C stops; alice writes 3 messages; C starts again after C_DOWN_S and carol must get all 3 within
    P2P_CATCHUP_TIMEOUT_S of C's client API answering again (A must notice C is back: a wake-up, or its retries)."""
    needs("both-ways")
    alice, carol, room = state["alice"], state["carol"], state["room"]
    expect(run(loop, carol.poll(0)), SyncResponse, "carol: GET /sync before C stops")
    run(loop, carol.close())  # its pooled connections die with C; the next request opens new ones
    line.c.stop()
    t_down = time.monotonic()
    missed = [f"while C was offline: {i}" for i in range(1, 4)]
    for body in missed:  # A must take them at once and deliver them later
        send_text(loop, alice, room, body)
    time.sleep(max(0.0, C_DOWN_S - (time.monotonic() - t_down)))  # the outage itself, not a wait for a result
    t_start = time.monotonic()
    line.c.start()
    t0 = time.monotonic()  # C's client API answers: the catch-up time counts from here
    wait_peered(line.c, {line.b.server_name}, PEER_TIMEOUT_S)
    t_peered = time.monotonic() - t_start
    nudged_at = None

    async def catch_up():
        nonlocal nudged_at
        deadline = t0 + CATCHUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if set(missed) <= set(carol.bodies(room)):
                return
            if NUDGE_AFTER_S and nudged_at is None and time.monotonic() - t0 > NUDGE_AFTER_S:
                nudged_at = time.monotonic() - t0
                await carol.room_send(room, "m.room.message", {"msgtype": "m.text", "body": "C is back"})
            await carol.poll(int(max(0.1, min(deadline - time.monotonic(), 3)) * 1000))

    run(loop, catch_up(), CATCHUP_TIMEOUT_S + 20)
    took = time.monotonic() - t0
    got = [b for b in carol.bodies(room) if b in missed]
    how = f"after carol's message at {nudged_at:.0f} s" if nudged_at is not None else "on its own"
    note(f"{line.mode}: C was down {t_start - t_down:.1f} s; up again {t0 - t_start:.1f} s after its start, peered "
         f"with B at {t_peered:.1f} s; carol had the {len(set(got))} missed messages {how} {took:.1f} s after C was up")
    assert sorted(set(got)) == missed and len(got) == len(missed), (
        f"carol received the 3 messages sent while C was offline, once each, within {CATCHUP_TIMEOUT_S:.0f} s of "
        f"C's restart ({how}); got {got}")
    flows(loop, carol, alice, room, "C is back and caught up")
    state["done"].add("catch-up")
