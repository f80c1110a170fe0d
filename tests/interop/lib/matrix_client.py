"""The matrix-nio client the interop scenarios drive their users with, and the bounded waits their steps are made of.

Every HTTP exchange a client makes is recorded in EXCHANGES (one line each); steps.py's report hook prints those of a
failed step. Every wait is bounded: a step never hangs, it fails saying what it waited for. Each suite sets its own
step timeout (steps.configure) from its own environment variable.
"""

import asyncio
import time
from collections import defaultdict

from nio import (
    AsyncClient,
    AsyncClientConfig,
    ErrorResponse,
    InviteMemberEvent,
    JoinResponse,
    MessageDirection,
    RegisterResponse,
    RoomMemberEvent,
    RoomMessageImage,
    RoomMessagesResponse,
    RoomMessageText,
    RoomCreateResponse,
    RoomInviteResponse,
    RoomPreset,
    RoomSendResponse,
    SyncResponse,
)

PASSWORD = "a-long-enough-test-password"
# Per request and per wait, unless a call says otherwise; set by the suite (steps.configure).
STEP_TIMEOUT_S = 45.0

# Every HTTP exchange of the step now running; cleared before each step.
EXCHANGES = []


def short(text, n=400) -> str:
    text = text if isinstance(text, str) else repr(text)
    return text if len(text) <= n else f"{text[:n]}...({len(text)} chars)"


class Client(AsyncClient):
    """A matrix-nio client that records its exchanges and folds what its syncs return into per-room lists."""

    def __init__(self, label: str, node):
        super().__init__(node.base_url, "", config=AsyncClientConfig(
            encryption_enabled=False, store_sync_tokens=False,
            # nio retries connection errors forever by default; a bounded wait beats a hung step.
            max_timeouts=2, max_limit_exceeded=3, request_timeout=60))
        self.label = label
        self.node = node
        self.since = None
        self.events = defaultdict(list)  # room_id -> state and timeline events of joined and left rooms, in order
        self.invites = {}  # room_id -> invite_state events
        self.left = set()  # room_ids that a sync listed under rooms.leave
        self.prev_batch = {}  # room_id -> prev_batch of the first sync that listed the room as joined
        self.arrivals = {}  # event_id -> time.monotonic() of the sync that first returned it

    async def send(self, method, path, data=None, headers=None, trace_context=None, timeout=None):
        shown = path.split("?")[0]  # sync's query is long; access tokens ride in the query of media calls
        req = f" {short(data, 300)}" if isinstance(data, str) and data else ""
        t0 = time.monotonic()
        try:
            res = await super().send(method, path, data, headers, trace_context, timeout)
        except BaseException as e:  # CancelledError too: the step's time ran out while this waited
            EXCHANGES.append(f"{self.label}: {method} {shown}{req} -> no answer after {time.monotonic() - t0:.1f} s: "
                             f"{type(e).__name__} {e}")
            raise
        body = await res.read()  # aiohttp keeps it, so nio reads it again
        ctype = res.headers.get("Content-Type", "")
        shown_body = short(body.decode(errors="replace")) if "json" in ctype or "text" in ctype else \
            f"<{len(body)} bytes {ctype}>"
        EXCHANGES.append(f"{self.label}: {method} {shown}{req} -> {res.status} in {time.monotonic() - t0:.1f} s "
                         f"{shown_body}")
        return res

    async def poll(self, timeout_ms: int):
        """One /sync from where the last one ended."""
        resp = await self.sync(timeout=timeout_ms, since=self.since, full_state=self.since is None)
        if not isinstance(resp, SyncResponse):
            return resp
        now = time.monotonic()
        self.since = resp.next_batch
        for room_id, room in resp.rooms.join.items():
            self.prev_batch.setdefault(room_id, room.timeline.prev_batch)
            self._fold(room_id, room.state + room.timeline.events, now)
        for room_id, room in resp.rooms.invite.items():
            self.invites[room_id] = room.invite_state
        for room_id, room in resp.rooms.leave.items():
            self.left.add(room_id)
            self._fold(room_id, room.state + room.timeline.events, now)
        return resp

    def _fold(self, room_id, events, now):
        for e in events:
            self.events[room_id].append(e)
            if getattr(e, "event_id", None):
                self.arrivals.setdefault(e.event_id, now)

    def bodies(self, room_id):
        return [e.body for e in self.events[room_id] if isinstance(e, RoomMessageText)]

    def membership(self, room_id, user_id):
        """The latest membership of user_id that this client's syncs showed in room_id, or None."""
        found = None
        for e in self.events[room_id]:
            if isinstance(e, RoomMemberEvent) and e.state_key == user_id:
                found = e.membership
        return found


def run(loop, coro, timeout=None):
    timeout = STEP_TIMEOUT_S if timeout is None else timeout
    try:
        return loop.run_until_complete(asyncio.wait_for(coro, timeout))
    except asyncio.TimeoutError:
        raise AssertionError(f"{coro.__qualname__}: no answer within {timeout:g} s (see the last exchange)") from None


def describe(resp) -> str:
    """The request and answer behind a nio response, for failure messages."""
    tr = getattr(resp, "transport_response", None)
    where = f"{tr.method} {tr.url.path} -> {tr.status}" if tr is not None else "(no HTTP response)"
    if isinstance(resp, ErrorResponse):
        return f"{where} {resp.status_code or ''} {resp.message!r}"
    return f"{where} {type(resp).__name__}"


def expect(resp, cls, what):
    assert isinstance(resp, cls), f"{what}: expected {cls.__name__}, got {type(resp).__name__}: {describe(resp)}"
    return resp


def wait_until(loop, client: Client, check, what: str, timeout=None):
    """Long-polls client's /sync until check() is true, for at most timeout seconds."""
    timeout = STEP_TIMEOUT_S if timeout is None else timeout

    async def go():
        deadline = time.monotonic() + timeout
        while not check():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            await client.poll(int(min(left, 5) * 1000))

    run(loop, go(), timeout + 15)
    assert check(), f"{client.label} did not see {what} within {timeout:.0f} s"


def register(loop, label: str, node, username: str) -> Client:
    """A new user on a P2P node (m.login.dummy), logged in and synced once."""
    c = Client(label, node)
    r = expect(run(loop, c.register(username, PASSWORD, device_name="p2p")), RegisterResponse,
               f"{label}: POST /register (m.login.dummy)")
    assert r.user_id == f"@{username}:{node.server_name}", f"the user ID names the node's key: {r.user_id}"
    expect(run(loop, c.poll(0)), SyncResponse, f"{label}: initial GET /sync")
    return c


def send_text(loop, client: Client, room_id: str, body: str) -> str:
    r = expect(run(loop, client.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": body})),
               RoomSendResponse, f"{client.label}: PUT /rooms/{room_id}/send/m.room.message ({body!r})")
    return r.event_id


def flows(loop, sender: Client, receiver: Client, room_id: str, body: str, timeout=None) -> float:
    """sender sends body; receiver's sync must show it. Returns the seconds from the send to the receiving sync."""
    t0 = time.monotonic()
    send_text(loop, sender, room_id, body)
    wait_until(loop, receiver, lambda: body in receiver.bodies(room_id),
               f"{sender.label}'s message {body!r}", timeout)
    return time.monotonic() - t0


def invite_and_join(loop, inviter: Client, invitee: Client, name: str, why=None) -> str:
    """inviter creates a private room and invites invitee, who sees the invite in rooms.invite and joins; inviter
    sees the join and invitee's message arrives. why: what the "invite" and the "join" need of the server under
    test, for the failure messages. Returns the room ID."""
    def because(step):
        return f" — {why[step]}" if why and step in why else ""

    r = expect(run(loop, inviter.room_create(preset=RoomPreset.private_chat, name=name)), RoomCreateResponse,
               f"{inviter.label}: POST /createRoom (private_chat)")
    room = r.room_id
    expect(run(loop, inviter.room_invite(room, invitee.user_id)), RoomInviteResponse,
           f"{inviter.label}: POST /rooms/{room}/invite {invitee.user_id}{because('invite')}")

    def invited():
        return any(isinstance(e, InviteMemberEvent) and e.state_key == invitee.user_id and e.membership == "invite"
                   for e in invitee.invites.get(room, ()))

    wait_until(loop, invitee, invited, f"the invite to {name} ({room}) in rooms.invite")
    j = expect(run(loop, invitee.join(room)), JoinResponse,
               f"{invitee.label}: POST /join/{room} after the invite{because('join')}")
    assert j.room_id == room, f"joining {room} after the invite joins it: {j.room_id}"
    wait_until(loop, inviter, lambda: inviter.membership(room, invitee.user_id) == "join",
               f"{invitee.user_id}'s join in {name}")
    flows(loop, invitee, inviter, room, f"{invitee.label} made it into {name}")
    return room


def back_paginate(loop, client: Client, room_id: str, want, pages=10):
    """The events of room_id that client's syncs carried, plus older ones from /messages?dir=b from the start of its
    first timeline of the room, until every event ID in want was seen or the history ends. Oldest first."""
    seen = list(client.events[room_id])
    token, older = client.prev_batch.get(room_id), []
    assert token, f"{client.label}'s sync of {room_id} has a prev_batch to paginate from"
    for _ in range(pages):
        ids = {getattr(e, "event_id", None) for e in seen + older}
        if set(want) <= ids:
            break
        m = expect(run(loop, client.room_messages(room_id, start=token, direction=MessageDirection.back, limit=20)),
                   RoomMessagesResponse, f"{client.label}: GET /rooms/{room_id}/messages?dir=b")
        older.extend(m.chunk)
        if not m.chunk or not m.end or m.end == token:
            break
        token = m.end
    return list(reversed(older)), seen


def timeline_items(events):
    """(kind, body-or-url) of the message events in events, deduplicated by event ID, in order."""
    out, ids = [], set()
    for e in events:
        if getattr(e, "event_id", None) in ids:
            continue
        ids.add(getattr(e, "event_id", None))
        if isinstance(e, RoomMessageText):
            out.append(("text", e.body))
        elif isinstance(e, RoomMessageImage):
            out.append(("image", e.url))
    return out
