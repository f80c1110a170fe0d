"""End-to-end: matrix-nio (a real client) against a real `./larch run` on loopback.

Register, log in, create a room with an invite, join, send, and incremental sync (`AsyncClient.sync(since=...)`),
including a long-poll that a message from the other user must wake early. Written against the Matrix
client-server spec (v1.11), not against Larch's code. Tests run in file order and share one server; a test whose
prerequisite failed is skipped, naming it.
"""

import asyncio
import os
import time

import aiohttp
from nio import (
    AsyncClient,
    AsyncClientConfig,
    ErrorResponse,
    InviteMemberEvent,
    JoinResponse,
    LoginResponse,
    RegisterResponse,
    RoomCreateResponse,
    RoomMessageText,
    RoomSendResponse,
    SyncResponse,
    WhoamiResponse,
)

from matrix_client import describe, expect
from steps import clients_closed_at_end, prerequisites

PASSWORD = {"alice": "thus-with-a-kiss-i-die", "bob": "parting-is-such-sweet-sorrow"}
# Against an external server (LARCH_E2E_BASE_URL) the names get a suffix so that runs do not collide.
SUFFIX = f"-py{int(time.time() * 1000):x}" if os.environ.get("LARCH_E2E_BASE_URL") else ""
NAME = {who: f"nio{who}{SUFFIX}" for who in ("alice", "bob")}
STEP_TIMEOUT_S = 20

state = {"done": set()}  # shared by the tests of this module, in order
needs = prerequisites(state)
close_clients = clients_closed_at_end(state)


def run(loop, coro, timeout=STEP_TIMEOUT_S):
    return loop.run_until_complete(asyncio.wait_for(coro, timeout))


def client(server, who=None) -> AsyncClient:
    c = AsyncClient(server, NAME[who] if who else "", config=AsyncClientConfig(encryption_enabled=False, store_sync_tokens=False))
    state.setdefault("clients", []).append(c)
    return c


def joined_timeline(sync: SyncResponse, room_id: str):
    room = sync.rooms.join.get(room_id)
    return room.timeline.events if room else []


def test_register(server, loop):
    # alice: nio's plain register(), one request with {"type": "m.login.dummy"} and no session (the spec's dummy
    # stage allows "session, if provided").
    alice = client(server)
    r = expect(run(loop, alice.register(NAME["alice"], PASSWORD["alice"], device_name="nio register")), RegisterResponse, "POST /register (dummy auth, no session)")
    assert r.user_id.startswith(f"@{NAME['alice']}:"), r.user_id
    assert r.access_token and r.device_id

    # bob: the full UIA dance. A POST without auth must answer 401 with flows and a session...
    async def challenge():
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{server}/_matrix/client/v3/register", json={"username": NAME["bob"], "password": PASSWORD["bob"]}) as res:
                return res.status, await res.json(content_type=None)

    status, body = run(loop, challenge())
    assert status == 401, f"POST /register without auth: expected 401, got {status} {body}"
    assert isinstance(body.get("session"), str) and body["session"], f"401 body lacks a session: {body}"
    assert any(f.get("stages") == ["m.login.dummy"] for f in body.get("flows", [])), f"401 flows lack [m.login.dummy]: {body}"
    # ... and nio completes it with the dummy stage and that session.
    bob = client(server)
    r = expect(run(loop, bob.register(NAME["bob"], PASSWORD["bob"], device_name="nio register", session_token=body["session"])), RegisterResponse, "POST /register (dummy auth with session)")
    assert r.user_id.startswith(f"@{NAME['bob']}:"), r.user_id

    # The same name again is refused.
    again = client(server)
    resp = run(loop, again.register(NAME["bob"], "other", device_name="dup"))
    assert isinstance(resp, ErrorResponse) and resp.status_code == "M_USER_IN_USE", f"registering bob twice: {describe(resp)}"
    state["done"].add("register")


def test_login(server, loop):
    needs("register")
    for who in ("alice", "bob"):
        c = client(server, who)
        r = expect(run(loop, c.login(PASSWORD[who], device_name=f"nio e2e {who}")), LoginResponse, f"POST /login for {who}")
        assert r.user_id.startswith(f"@{NAME[who]}:") and r.access_token and r.device_id
        assert c.logged_in and c.access_token == r.access_token
        me = expect(run(loop, c.whoami()), WhoamiResponse, f"GET /account/whoami for {who}")
        assert me.user_id == r.user_id and me.device_id == r.device_id, f"whoami: {me}"
        state[who] = c
    wrong = client(server, "alice")
    resp = run(loop, wrong.login("not-the-password"))
    assert isinstance(resp, ErrorResponse) and resp.status_code == "M_FORBIDDEN", f"login with a wrong password: {describe(resp)}"
    state["done"].add("login")


def test_create_room_and_join(server, loop):
    needs("login")
    alice, bob = state["alice"], state["bob"]
    # bob's first sync, before the invite: its next_batch is where his incremental syncs start.
    first = expect(run(loop, bob.sync(timeout=0, full_state=True)), SyncResponse, "bob's initial GET /sync")
    assert first.next_batch, "initial sync has a next_batch"

    r = expect(run(loop, alice.room_create(name="Mantua", topic="banished", invite=[bob.user_id])), RoomCreateResponse, "POST /createRoom with invite")
    assert r.room_id.startswith("!"), r.room_id
    room_id = state["room_id"] = r.room_id

    s = expect(run(loop, bob.sync(timeout=10_000, since=first.next_batch)), SyncResponse, "bob's incremental GET /sync after the invite")
    assert room_id in s.rooms.invite, f"bob's incremental sync shows the invite (invite rooms: {list(s.rooms.invite)})"
    invite_state = s.rooms.invite[room_id].invite_state
    assert any(isinstance(e, InviteMemberEvent) and e.state_key == bob.user_id and e.membership == "invite" for e in invite_state), f"invite_state has bob's invite member event: {invite_state}"

    expect(run(loop, bob.join(room_id)), JoinResponse, f"POST /join/{room_id}")
    s = expect(run(loop, bob.sync(timeout=10_000, since=s.next_batch)), SyncResponse, "bob's incremental GET /sync after joining")
    assert room_id in s.rooms.join, f"bob's sync lists the room as joined (join rooms: {list(s.rooms.join)})"
    assert bob.rooms[room_id].name == "Mantua", f"room name from state: {bob.rooms[room_id].name!r}"
    state["bob_since"] = s.next_batch
    state["done"].add("room")


def test_send_and_incremental_sync(server, loop):
    needs("room")
    alice, bob, room_id = state["alice"], state["bob"], state["room_id"]
    since = state["bob_since"]

    bodies = [f"nio message {i}" for i in range(3)]
    ids = []
    for b in bodies:
        r = expect(run(loop, alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": b})), RoomSendResponse, "PUT /rooms/{roomId}/send/m.room.message/{txnId}")
        assert r.event_id.startswith("$"), r.event_id
        ids.append(r.event_id)

    s = expect(run(loop, bob.sync(timeout=10_000, since=since)), SyncResponse, "bob's incremental GET /sync?since=...")
    got = [e for e in joined_timeline(s, room_id) if isinstance(e, RoomMessageText)]
    assert [e.body for e in got] == bodies, f"incremental sync delivers alice's messages once each, in order: {[e.body for e in got]}"
    assert [e.event_id for e in got] == ids and all(e.sender == alice.user_id for e in got)
    assert s.next_batch and s.next_batch != since, "next_batch moves on"

    # Nothing new: an incremental sync with timeout=0 returns at once without those messages again.
    t0 = time.monotonic()
    quiet = expect(run(loop, bob.sync(timeout=0, since=s.next_batch)), SyncResponse, "bob's GET /sync?since=<latest>&timeout=0")
    assert time.monotonic() - t0 < 5, "timeout=0 returns at once"
    assert not [e for e in joined_timeline(quiet, room_id) if isinstance(e, RoomMessageText)], "no message is delivered twice"

    # A pending long-poll is woken by a message from the other user, well before its timeout.
    async def wake():
        poll = asyncio.ensure_future(bob.sync(timeout=25_000, since=quiet.next_batch))
        await asyncio.sleep(0.5)  # let the poll reach the server (not an assertion)
        assert not poll.done(), f"the long-poll returned before anything happened: {poll.result()}"
        sent = await alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "wake up"})
        t = time.monotonic()
        res = await poll
        return sent, res, time.monotonic() - t

    sent, res, waited = run(loop, wake(), timeout=40)
    expect(sent, RoomSendResponse, "send while bob long-polls")
    expect(res, SyncResponse, "bob's long-poll GET /sync?timeout=25000")
    assert [e.body for e in joined_timeline(res, room_id) if isinstance(e, RoomMessageText)] == ["wake up"], "the long-poll returns the new message"
    assert waited < 5, f"the long-poll returned {waited:.1f} s after the send; it should wake at once"

    # alice sees her own messages in her sync too.
    a = expect(run(loop, alice.sync(timeout=0, full_state=True)), SyncResponse, "alice's GET /sync")
    mine = [e.body for e in joined_timeline(a, room_id) if isinstance(e, RoomMessageText)]
    assert mine[-4:] == bodies + ["wake up"], f"alice's timeline ends with her messages: {mine}"
    state["done"].add("send+sync")
