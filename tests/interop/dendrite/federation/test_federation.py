"""Matrix federation over Pinecone between "local" (Larch, or a second Dendrite in dendrite-dendrite mode) and a
real Dendrite P2P node, peered directly, driven by matrix-nio clients: alice on local, dave on Dendrite. Issue 8's
interop proof: Dendrite's #beachparty joined from local by alias, messages both ways; a local room joined from
Dendrite by alias; invites both ways; a local public room in Dendrite's room directory (and Dendrite's in local's).

Each assertion says which federation request behind the client call the local node must get right, so that a
larch-dendrite failure points at the missing piece. Steps share the nodes and run in file order; a step whose
prerequisite failed is skipped, naming it. Waits: P2P_STEP_TIMEOUT_S (45 s) per request and wait;
FED_DIRECTORY_TIMEOUT_S (30 s) for room directories (Dendrite's fan-out waits 5 s for its default server).
"""

import os
import time

from nio import (
    JoinResponse,
    RoomCreateResponse,
    RoomPreset,
    RoomResolveAliasResponse,
    RoomVisibility,
)

from nio.responses import PublicRoomsResponse

from matrix_client import (
    back_paginate,
    expect,
    flows,
    invite_and_join,
    register,
    run,
    send_text,
    timeline_items,
    wait_until,
)
from p2p_nodes import wait_peered
from steps import clients_closed_at_end, note, prerequisites

DIRECTORY_TIMEOUT_S = float(os.environ.get("FED_DIRECTORY_TIMEOUT_S", "30"))
PEER_TIMEOUT_S = float(os.environ.get("P2P_PEER_TIMEOUT_S", "60"))
SUFFIX = f"{int(time.time() * 1000) % 36**6:x}"

state = {"done": set()}  # shared by the steps, in order
needs = prerequisites(state)
close_clients = clients_closed_at_end(state)


def test_a_peered_and_registered(pair, loop):
    """local starts; the Dendrite node dials it; both /pinecone list the other; a user registers on each."""
    pair.local.start()
    pair.dendrite.start()
    wait_peered(pair.dendrite, {pair.local.server_name}, PEER_TIMEOUT_S)
    wait_peered(pair.local, {pair.dendrite.server_name}, PEER_TIMEOUT_S)
    note(f"{pair.mode}: local {pair.local.server_name} ({pair.local.kind}), dendrite {pair.dendrite.server_name}")
    state["alice"] = register(loop, "alice@local", pair.local, f"alice{SUFFIX}")
    state["dave"] = register(loop, "dave@dendrite", pair.dendrite, f"dave{SUFFIX}")
    state.setdefault("clients", []).extend([state["alice"], state["dave"]])
    state["done"].add("up")


def test_b_local_joins_dendrite_beachparty(pair, loop):
    """dave creates #beachparty:<dendrite hex> with 3 messages; alice resolves it and joins by alias, sees the 3
    earlier messages, and messages flow both ways."""
    needs("up")
    alice, dave = state["alice"], state["dave"]
    d = pair.dendrite.server_name
    r = expect(run(loop, dave.room_create(visibility=RoomVisibility.public, preset=RoomPreset.public_chat,
                                          alias="beachparty", name="Beach party")),
               RoomCreateResponse, "dave: POST /createRoom (public, alias beachparty) on Dendrite")
    room, alias = r.room_id, f"#beachparty:{d}"
    early = [f"dendrite beach message {i}" for i in range(1, 4)]
    ids = [send_text(loop, dave, room, body) for body in early]

    resolved = expect(run(loop, alice.room_resolve_alias(alias)), RoomResolveAliasResponse,
                      f"alice: GET /directory/room/{alias} — local must ask Dendrite over the overlay "
                      "(GET /_matrix/federation/v1/query/directory, signed with ed25519:dendrite-demo-yggdrasil)")
    assert resolved.room_id == room, f"{alias} resolves to dave's room: {resolved.room_id} != {room}"
    assert d in resolved.servers, f"Dendrite is among the servers to join through: {resolved.servers}"
    t0 = time.monotonic()
    j = expect(run(loop, alice.join(alias)), JoinResponse,
               f"alice: POST /join/{alias} — local must run GET make_join + PUT v2 send_join against Dendrite and "
               "accept its state (signatures checked with keys derived from the hex names)")
    assert j.room_id == room, f"joining {alias} joins {room}: {j.room_id}"
    wait_until(loop, alice, lambda: alice.membership(room, alice.user_id) == "join", "her own join in #beachparty")
    wait_until(loop, dave, lambda: dave.membership(room, alice.user_id) == "join",
               "alice's join in #beachparty (Dendrite got local's join event)")
    note(f"{pair.mode}: alice joined #beachparty:<dendrite> in {time.monotonic() - t0:.1f} s")

    older, seen = back_paginate(loop, alice, room, ids)
    got = [b for kind, b in timeline_items(older + seen) if b in early]
    assert got == early, (f"alice sees dave's 3 earlier messages once each, in order (local gets them from the join's "
                          f"state or GET /_matrix/federation/v1/backfill): {got}")
    ld = flows(loop, alice, dave, room, "hello dave, from local",)
    dl = flows(loop, dave, alice, room, "hello alice, from dendrite")
    note(f"{pair.mode}: #beachparty messages: local→dendrite {ld:.2f} s, dendrite→local {dl:.2f} s "
         "(PUT /_matrix/federation/v1/send both ways)")
    state["done"].add("beachparty")


def test_c_dendrite_joins_local_room_by_alias(pair, loop):
    """alice creates a public room #lagoon…:<local hex>; dave resolves and joins it by alias; messages both ways."""
    needs("up")
    alice, dave = state["alice"], state["dave"]
    localpart = f"lagoon{SUFFIX}"
    r = expect(run(loop, alice.room_create(visibility=RoomVisibility.public, preset=RoomPreset.public_chat,
                                           alias=localpart, name=f"Lagoon {SUFFIX}", topic="hosted by local")),
               RoomCreateResponse, f"alice: POST /createRoom (public, alias {localpart}) on local")
    room, alias = r.room_id, f"#{localpart}:{pair.local.server_name}"
    resolved = expect(run(loop, dave.room_resolve_alias(alias)), RoomResolveAliasResponse,
                      f"dave: GET /directory/room/{alias} — Dendrite asks local: local must serve "
                      "GET /_matrix/federation/v1/query/directory over the overlay (QUIC, ALPN matrix)")
    assert resolved.room_id == room, f"{alias} resolves to alice's room on Dendrite: {resolved.room_id} != {room}"
    j = expect(run(loop, dave.join(alias)), JoinResponse,
               f"dave: POST /join/{alias} — local must serve make_join and v2 send_join to Dendrite")
    assert j.room_id == room
    wait_until(loop, alice, lambda: alice.membership(room, dave.user_id) == "join", "dave's join in the lagoon")
    wait_until(loop, dave, lambda: dave.membership(room, dave.user_id) == "join", "his own join in the lagoon")
    flows(loop, alice, dave, room, "welcome to the lagoon")
    flows(loop, dave, alice, room, "thanks, lovely lagoon")
    state.update(lagoon=room, lagoon_name=f"Lagoon {SUFFIX}")
    state["done"].add("lagoon")


def public_room_ids(loop, client, what):
    r = expect(run(loop, client.list_public_rooms(limit=100)), PublicRoomsResponse, what)
    return {room.room_id for room in r.public_rooms}


def wait_in_directory(loop, client, room_id, what):
    """Polls client's /publicRooms until room_id is listed, for at most DIRECTORY_TIMEOUT_S; returns the room IDs
    of the last answer and the seconds it took."""
    deadline, t0, seen = time.monotonic() + DIRECTORY_TIMEOUT_S, time.monotonic(), set()
    while time.monotonic() < deadline and room_id not in seen:
        seen = public_room_ids(loop, client, what)
        time.sleep(0 if room_id in seen else 1)
    return seen, time.monotonic() - t0


def test_d_local_public_room_in_dendrite_directory(pair, loop):
    """A local public room appears in dave's /publicRooms: Dendrite asks its direct peers with a signed
    POST /_matrix/federation/v1/publicRooms (p2p-federation.md 5.3)."""
    needs("up")
    alice, dave = state["alice"], state["dave"]
    name = f"Reef {SUFFIX}"
    r = expect(run(loop, alice.room_create(visibility=RoomVisibility.public, preset=RoomPreset.public_chat,
                                           alias=f"reef{SUFFIX}", name=name)),
               RoomCreateResponse, "alice: POST /createRoom (public, published to the directory) on local")
    seen, took = wait_in_directory(loop, dave, r.room_id, "dave: GET /publicRooms on Dendrite")
    assert r.room_id in seen, (
        f"alice's public room {r.room_id} is not in dave's /publicRooms after {DIRECTORY_TIMEOUT_S:.0f} s: local "
        f"must answer Dendrite's signed POST /_matrix/federation/v1/publicRooms with its published rooms; dave saw "
        f"{sorted(seen)}")
    note(f"{pair.mode}: a local public room showed in Dendrite's /publicRooms after {took:.1f} s")
    state["done"].add("directory")


def test_e_dendrite_public_room_in_local_directory(pair, loop):
    """The other direction (issue 8's discovery): local's /publicRooms also lists the public rooms of its directly
    connected overlay peers, as Dendrite's does."""
    needs("up")
    alice, dave = state["alice"], state["dave"]
    r = expect(run(loop, dave.room_create(visibility=RoomVisibility.public, preset=RoomPreset.public_chat,
                                          alias=f"dunes{SUFFIX}", name=f"Dunes {SUFFIX}")),
               RoomCreateResponse, "dave: POST /createRoom (public) on Dendrite")
    seen, took = wait_in_directory(loop, alice, r.room_id, "alice: GET /publicRooms on local")
    assert r.room_id in seen, (
        f"dave's public room {r.room_id} is not in alice's /publicRooms after {DIRECTORY_TIMEOUT_S:.0f} s: local must "
        "send a signed POST /_matrix/federation/v1/publicRooms to its direct overlay peers and merge the answers; "
        f"alice saw {sorted(seen)}")
    note(f"{pair.mode}: a Dendrite public room showed in local's /publicRooms after {took:.1f} s")
    state["done"].add("peer-directory")


def test_f_local_user_invites_dendrite_user(pair, loop):
    needs("up")
    invite_and_join(loop, state["alice"], state["dave"], "Cabana", {
        "invite": "local must PUT /_matrix/federation/v2/invite to Dendrite and add Dendrite's signature",
        "join": "Dendrite joins through the inviter's server: local must serve make_join/send_join"})
    state["done"].add("invite-out")


def test_g_dendrite_user_invites_local_user(pair, loop):
    needs("up")
    invite_and_join(loop, state["dave"], state["alice"], "Boathouse", {
        "invite": "local must answer Dendrite's PUT /_matrix/federation/v2/invite (sign the event, 200 {event})",
        "join": "local must join through Dendrite (make_join/send_join to the inviter's server)"})
    state["done"].add("invite-in")
