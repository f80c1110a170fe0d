"""Federation over HTTPS between "local" (the server under test) and "peer" (Synapse 1.98.0), driven by matrix-nio
clients on both sides: alice on local, bob on peer. Written against the Matrix specs (client-server and
server-server v1.11), not against either server's code: every assertion is what a user of one server sees of
something done on the other.

Steps run in file order and share the two servers; one whose prerequisite failed is skipped, naming it. Every wait
is bounded: INTEROP_STEP_TIMEOUT_S (default 30 s) per request and per wait; the catch-up after the peer's restart
INTEROP_CATCHUP_TIMEOUT_S (default 60 s), bob sending a message after INTEROP_NUDGE_AFTER_S (default 20 s) should
nothing have come by then. A failure's report lists every HTTP exchange of the step and both servers' log tails.
"""

import asyncio
import os
import time
from collections import defaultdict

import pytest
from nio import (
    AsyncClient,
    AsyncClientConfig,
    ErrorResponse,
    InviteMemberEvent,
    JoinResponse,
    MessageDirection,
    RegisterResponse,
    RoomCreateResponse,
    RoomInviteResponse,
    RoomLeaveResponse,
    RoomMemberEvent,
    RoomMessagesResponse,
    RoomMessageText,
    RoomPreset,
    RoomResolveAliasResponse,
    RoomSendResponse,
    RoomVisibility,
    SyncResponse,
    WhoamiResponse,
)

from conftest import EXCHANGES, NOTES

STEP_TIMEOUT_S = float(os.environ.get("INTEROP_STEP_TIMEOUT_S", "30"))
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
PASSWORD = "a-long-enough-test-password"

state = {"done": set()}  # shared by the steps, in order


def needs(*steps):
    missing = [s for s in steps if s not in state["done"]]
    if missing:
        pytest.skip(f"needs: {', '.join(missing)}")


def short(text, n=400) -> str:
    text = text if isinstance(text, str) else repr(text)
    return text if len(text) <= n else f"{text[:n]}...({len(text)} chars)"


class Client(AsyncClient):
    """A matrix-nio client that records its HTTP exchanges for the failure report and keeps what its syncs saw."""

    def __init__(self, label: str, node):
        super().__init__(node.base_url, "", config=AsyncClientConfig(
            encryption_enabled=False, store_sync_tokens=False,
            # nio retries connection errors forever by default; a bounded wait here beats a hung step.
            max_timeouts=2, max_limit_exceeded=3, request_timeout=60))
        self.label = label
        self.node = node
        self.since = None
        self.events = defaultdict(list)  # room_id -> state and timeline events of joined and left rooms, in order
        self.invites = {}  # room_id -> invite_state events
        self.left = set()
        self.prev_batch = {}  # room_id -> the prev_batch of the first sync that listed the room as joined

    async def send(self, method, path, data=None, headers=None, trace_context=None, timeout=None):
        shown = path.split("?")[0] if "/sync" in path else path  # sync's query is long and says little
        req = f" {short(data, 300)}" if isinstance(data, str) and data else ""
        try:
            res = await super().send(method, path, data, headers, trace_context, timeout)
        except BaseException as e:  # CancelledError too: a step's time ran out while this waited for an answer
            EXCHANGES.append(f"{self.label}: {method} {shown}{req} -> no answer: {type(e).__name__} {e}")
            raise
        body = await res.read()  # aiohttp keeps it, so nio reads it again
        EXCHANGES.append(f"{self.label}: {method} {shown}{req} -> {res.status} {short(body.decode(errors='replace'))}")
        return res

    async def poll(self, timeout_ms: int):
        """One /sync from where the last one ended; folds what it returns into events/invites/left."""
        resp = await self.sync(timeout=timeout_ms, since=self.since, full_state=self.since is None)
        if not isinstance(resp, SyncResponse):
            return resp
        self.since = resp.next_batch
        for room_id, room in resp.rooms.join.items():
            self.prev_batch.setdefault(room_id, room.timeline.prev_batch)
            self.events[room_id].extend(room.state)
            self.events[room_id].extend(room.timeline.events)
        for room_id, room in resp.rooms.invite.items():
            self.invites[room_id] = room.invite_state
        for room_id, room in resp.rooms.leave.items():
            self.left.add(room_id)
            self.events[room_id].extend(room.state)
            self.events[room_id].extend(room.timeline.events)
        return resp

    def bodies(self, room_id):
        return [e.body for e in self.events[room_id] if isinstance(e, RoomMessageText)]

    def membership(self, room_id, user_id):
        """The latest membership of user_id that this client's syncs showed in room_id, or None."""
        found = None
        for e in self.events[room_id]:
            if isinstance(e, RoomMemberEvent) and e.state_key == user_id:
                found = e.membership
        return found


def run(loop, coro, timeout=STEP_TIMEOUT_S):
    try:
        return loop.run_until_complete(asyncio.wait_for(coro, timeout))
    except asyncio.TimeoutError:
        raise AssertionError(f"{coro.__qualname__}: no answer within {timeout:g} s (see the last exchange below)") from None


def describe(resp) -> str:
    tr = getattr(resp, "transport_response", None)
    where = f"{tr.method} {tr.url.path} -> {tr.status}" if tr is not None else "(no HTTP response)"
    if isinstance(resp, ErrorResponse):
        return f"{where} {resp.status_code or ''} {resp.message!r}"
    return f"{where} {type(resp).__name__}"


def expect(resp, cls, what):
    assert isinstance(resp, cls), f"{what}: expected {cls.__name__}, got {type(resp).__name__}: {describe(resp)}"
    return resp


def wait_until(loop, client: Client, check, what: str, timeout=STEP_TIMEOUT_S):
    """Long-polls client's /sync until check() is true, for at most timeout seconds."""

    async def go():
        deadline = time.monotonic() + timeout
        while True:
            if check():
                return
            left = deadline - time.monotonic()
            if left <= 0:
                return
            await client.poll(int(min(left, 5) * 1000))

    run(loop, go(), timeout + 15)
    assert check(), f"{client.label} did not see {what} within {timeout:.0f} s"


def send_text(loop, client: Client, room_id: str, body: str) -> str:
    r = expect(run(loop, client.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": body})),
               RoomSendResponse, f"{client.label}: PUT /rooms/{room_id}/send/m.room.message")
    return r.event_id


def flows(loop, sender: Client, receiver: Client, room_id: str, body: str):
    send_text(loop, sender, room_id, body)
    wait_until(loop, receiver, lambda: body in receiver.bodies(room_id), f"{sender.label}'s message {body!r}")


@pytest.fixture(scope="module", autouse=True)
def close_clients(loop):
    yield
    for c in state.get("clients", []):
        loop.run_until_complete(c.close())


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
    NOTES.append(f"step c: bob's earlier messages reached alice {len(older)} via /messages, {len(seen)} via /sync")
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


def invite_and_join(loop, inviter: Client, invitee: Client, name: str) -> str:
    r = expect(run(loop, inviter.room_create(preset=RoomPreset.private_chat, name=name)), RoomCreateResponse,
               f"{inviter.label}: POST /createRoom (private_chat)")
    room = r.room_id
    expect(run(loop, inviter.room_invite(room, invitee.user_id)), RoomInviteResponse,
           f"{inviter.label}: POST /rooms/{room}/invite {invitee.user_id}")

    def invited():
        return any(isinstance(e, InviteMemberEvent) and e.state_key == invitee.user_id and e.membership == "invite"
                   for e in invitee.invites.get(room, ()))

    wait_until(loop, invitee, invited, f"the invite to {name} ({room}) in rooms.invite")
    j = expect(run(loop, invitee.join(room)), JoinResponse, f"{invitee.label}: POST /join/{room} (after an invite)")
    assert j.room_id == room
    wait_until(loop, inviter, lambda: inviter.membership(room, invitee.user_id) == "join",
               f"{invitee.user_id}'s join in {name}")
    flows(loop, invitee, inviter, room, f"{invitee.label} made it into {name}")
    return room


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
    NOTES.append(f"step g: the peer was down {t0 - t_down:.1f} s; it had the 3 messages {how}, {took:.1f} s after its restart")
    assert sorted(got) == missed, (
        f"bob received the 3 messages sent while his server was down, once each, within {CATCHUP_TIMEOUT_S:.0f} s "
        f"of its restart (nudged: {how}); got {got}")

    flows(loop, bob, alice, room, "the peer is back")
    state["done"].add("catch-up")
