"""Federation over HTTPS between "local" (the server under test) and "peer" (Synapse 1.98.0), driven by matrix-nio
clients on both sides: alice on local, bob on peer. Written against the Matrix specs (client-server and
server-server v1.11), not against either server's code: every assertion is what a user of one server sees of
something done on the other.

Steps run in file order and share the two servers; one whose prerequisite failed is skipped, naming it. Every wait
is bounded: INTEROP_STEP_TIMEOUT_S (default 30 s) per request and per wait; the catch-up after the peer's restart
INTEROP_CATCHUP_TIMEOUT_S (default 60 s), bob sending a message after INTEROP_NUDGE_AFTER_S (default 20 s) should
nothing have come by then. A failure's report lists every HTTP exchange of the step and both servers' log tails.
"""

import os
import time

import pytest
from nio import (
    JoinResponse,
    MessageDirection,
    RegisterResponse,
    RoomCreateResponse,
    RoomLeaveResponse,
    RoomMessagesResponse,
    RoomMessageText,
    RoomPreset,
    RoomResolveAliasResponse,
    RoomVisibility,
    SyncResponse,
    WhoamiResponse,
)

from matrix_client import PASSWORD, Client, expect, flows, invite_and_join, run, send_text, wait_until
from steps import clients_closed_at_end, note, prerequisites

CATCHUP_TIMEOUT_S = float(os.environ.get("INTEROP_CATCHUP_TIMEOUT_S", "60"))
# After the peer's restart, how long the local server has to deliver on its own before bob sends a message: an
# inbound request from a destination is the spec-blessed hint that it is back (Synapse resets its backoff on it).
NUDGE_AFTER_S = float(os.environ.get("INTEROP_NUDGE_AFTER_S", "20"))
# How long the peer stays down after the 3 messages: longer than a sender's quick in-request retries, so that it
# has to mark the peer as down and catch up later, as after a real outage.
PEER_DOWN_S = float(os.environ.get("INTEROP_PEER_DOWN_S", "8"))
# Unique per run, so that a local server that is already up (INTEROP_LOCAL_URL) can run the steps again.
SUFFIX = f"{int(time.time() * 1000) % 36**6:x}"
NAME = {"alice": f"alice{SUFFIX}", "bob": f"bob{SUFFIX}"}

state = {"done": set()}  # shared by the steps, in order
needs = prerequisites(state)
close_clients = clients_closed_at_end(state)


def test_a_register_on_both(servers, loop):
    local, peer = servers
    for who, node in (("alice", local), ("bob", peer)):
        c = Client(f"{who}@{node.label}", node)
        state.setdefault("clients", []).append(c)
        r = expect(run(loop, c.register(NAME[who], PASSWORD, device_name="interop")), RegisterResponse,
                   f"{c.label}: POST /register (m.login.dummy)")
        assert r.user_id == f"@{NAME[who]}:{node.server_name}", f"{who}'s user ID names {node.server_name}: {r.user_id}"
        me = expect(run(loop, c.whoami()), WhoamiResponse, f"{c.label}: GET /account/whoami")
        assert me.user_id == r.user_id
        expect(run(loop, c.poll(0)), SyncResponse, f"{c.label}: initial GET /sync")
        state[who] = c
    state["done"].add("register")


def test_b_peer_creates_public_lobby(servers, loop):
    needs("register")
    local, peer = servers
    bob = state["bob"]
    r = expect(run(loop, bob.room_create(visibility=RoomVisibility.public, alias="lobby", name="Lobby",
                                         topic="federation interop")),
               RoomCreateResponse, "bob: POST /createRoom (public, alias lobby)")
    alias = f"#lobby:{peer.server_name}"
    resolved = expect(run(loop, bob.room_resolve_alias(alias)), RoomResolveAliasResponse, f"bob: GET /directory/room/{alias}")
    assert resolved.room_id == r.room_id, f"{alias} resolves to the new room on its own server: {resolved.room_id}"
    state["lobby_early"] = [f"lobby, before alice came: {i}" for i in range(1, 4)]
    for body in state["lobby_early"]:
        send_text(loop, bob, r.room_id, body)
    state.update(lobby=r.room_id, lobby_alias=alias)
    state["done"].add("lobby")


def test_c_local_joins_peer_room_by_alias(servers, loop):
    needs("lobby")
    local, peer = servers
    alice, bob, lobby, alias = state["alice"], state["bob"], state["lobby"], state["lobby_alias"]

    # The alias is the peer's: the local server asks it (GET /_matrix/federation/v1/query/directory).
    resolved = expect(run(loop, alice.room_resolve_alias(alias)), RoomResolveAliasResponse,
                      f"alice: GET /directory/room/{alias} (a remote alias)")
    assert resolved.room_id == lobby, f"{alias} resolves to bob's room: {resolved.room_id} != {lobby}"
    assert peer.server_name in resolved.servers, f"the peer is among the servers to join through: {resolved.servers}"

    j = expect(run(loop, alice.join(alias)), JoinResponse, f"alice: POST /join/{alias} (make_join/send_join)")
    assert j.room_id == lobby, f"joining {alias} joins {lobby}: {j.room_id}"
    wait_until(loop, alice, lambda: alice.membership(lobby, alice.user_id) == "join", "her own join in the lobby")
    wait_until(loop, bob, lambda: bob.membership(lobby, alice.user_id) == "join", "alice's join in the lobby")

    # The history from before the join: back-paginate from the start of alice's first timeline of the room (the
    # local server fetches what it lacks from the peer: /backfill or the join's own history).
    early = state["lobby_early"]
    seen = [b for b in alice.bodies(lobby) if b in early]  # whatever her syncs already carried, in order
    token, older = alice.prev_batch.get(lobby), []
    assert token, "alice's sync of the lobby has a prev_batch to paginate from"
    for _ in range(10):
        if set(early) <= set(seen + older):
            break
        m = expect(run(loop, alice.room_messages(lobby, start=token, direction=MessageDirection.back, limit=20)),
                   RoomMessagesResponse, "alice: GET /rooms/{lobby}/messages?dir=b")
        older.extend(e.body for e in m.chunk if isinstance(e, RoomMessageText) and e.body in early)
        if not m.chunk or not m.end or m.end == token:
            break
        token = m.end
    history = list(reversed(older)) + seen
    note(f"step c: bob's earlier messages reached alice {len(older)} via /messages, {len(seen)} via /sync")
    assert history == early, f"alice sees bob's 3 earlier messages once each, in order (via /messages: {older[::-1]}, via /sync: {seen})"

    flows(loop, alice, bob, lobby, "hello from local")
    flows(loop, bob, alice, lobby, "hello from peer")
    state["done"].add("lobby-joined")


def test_d_peer_joins_local_room_by_alias(servers, loop):
    needs("register")
    local, peer = servers
    alice, bob = state["alice"], state["bob"]
    localpart = f"agora{SUFFIX}"
    r = expect(run(loop, alice.room_create(preset=RoomPreset.public_chat, alias=localpart, name="Agora")),
               RoomCreateResponse, f"alice: POST /createRoom (public_chat, alias {localpart})")
    room, alias = r.room_id, f"#{localpart}:{local.server_name}"

    resolved = expect(run(loop, bob.room_resolve_alias(alias)), RoomResolveAliasResponse,
                      f"bob: GET /directory/room/{alias} (a remote alias)")
    assert resolved.room_id == room, f"{alias} resolves to alice's room: {resolved.room_id} != {room}"
    j = expect(run(loop, bob.join(alias)), JoinResponse, f"bob: POST /join/{alias}")
    assert j.room_id == room, f"joining {alias} joins {room}: {j.room_id}"
    wait_until(loop, alice, lambda: alice.membership(room, bob.user_id) == "join", "bob's join in the agora")
    wait_until(loop, bob, lambda: bob.membership(room, bob.user_id) == "join", "his own join in the agora")

    flows(loop, alice, bob, room, "welcome to the agora")
    flows(loop, bob, alice, room, "thanks, nice room")
    state["agora"] = room
    state["done"].add("agora")


def test_e_invites_both_ways(servers, loop):
    needs("register")
    alice, bob = state["alice"], state["bob"]
    state["backstage"] = invite_and_join(loop, alice, bob, "Backstage")  # local invites the peer's user
    state["greenroom"] = invite_and_join(loop, bob, alice, "Green room")  # and the reverse
    state["done"].add("invites")


def test_f_peer_user_leaves(servers, loop):
    needs("agora")
    alice, bob, room = state["alice"], state["bob"], state["agora"]
    expect(run(loop, bob.room_leave(room)), RoomLeaveResponse, f"bob: POST /rooms/{room}/leave")
    wait_until(loop, alice, lambda: alice.membership(room, bob.user_id) == "leave", "bob's leave from the agora")
    wait_until(loop, bob, lambda: room in bob.left, "the agora under rooms.leave")
    state["done"].add("leave")


def test_g_peer_restart_catches_up(servers, loop):
    needs("invites")
    local, peer = servers
    if not hasattr(peer, "start"):
        pytest.skip("the peer is not one this run started")
    alice, bob, room = state["alice"], state["bob"], state["backstage"]
    expect(run(loop, bob.poll(0)), SyncResponse, "bob: GET /sync before the peer stops")
    run(loop, bob.close())  # its pooled connections die with the peer; the next request opens new ones

    t_down = time.monotonic()
    peer.stop()
    missed = [f"while the peer was down: {i}" for i in range(1, 4)]
    for body in missed:  # the local server must take them at once and deliver them later
        send_text(loop, alice, room, body)
    time.sleep(PEER_DOWN_S)  # the outage itself, not a wait for a result
    peer.start()
    t0 = time.monotonic()
    nudged_at = None

    async def catch_up():
        nonlocal nudged_at
        deadline = t0 + CATCHUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if set(missed) <= set(bob.bodies(room)):
                return
            if nudged_at is None and time.monotonic() - t0 > NUDGE_AFTER_S:
                nudged_at = time.monotonic() - t0
                await bob.room_send(room, "m.room.message", {"msgtype": "m.text", "body": "back online"})
            await bob.poll(int(min(deadline - time.monotonic(), 3) * 1000))

    run(loop, catch_up(), CATCHUP_TIMEOUT_S + 20)
    took = time.monotonic() - t0
    got = [b for b in bob.bodies(room) if b in missed]
    how = f"after bob's message at {nudged_at:.0f} s" if nudged_at is not None else "on its own"
    note(f"step g: the peer was down {t0 - t_down:.1f} s; it had the 3 messages {how}, {took:.1f} s after its restart")
    assert sorted(got) == missed, (
        f"bob received the 3 messages sent while his server was down, once each, within {CATCHUP_TIMEOUT_S:.0f} s "
        f"of its restart (nudged: {how}); got {got}")

    flows(loop, bob, alice, room, "the peer is back")
    state["done"].add("catch-up")
