"""Store-and-forward through a relay (issue 8): three Larch nodes in a line A–B–C again, B started with
`--relay true`, A and C both trusting it (`--relay-server <B hex>`). carol (on C) joins alice's room on A; C goes
offline; alice writes 3 messages, which A cannot deliver and hands to B (`send_relay`) once C counts as offline (two
failed attempts in a row); B stays up; C comes back, collects from B (`relay_txn`, at start and when it sees B on the
overlay) and carol sees all 3.

What the users see is asserted as in test_line.py; that the messages came through B is read from the nodes' logs,
since A keeps nothing for C once B took it: A's hand-over lines, B's "holds"/"collected" lines, C's "collected
relayed transactions" line. Measured: C's restart to carol having the 3 messages. That no third server can collect
C's transactions is checked by the unit tests (RelayServiceTest, RelayRoutesTest: M_FORBIDDEN), not here: it needs
a node that asks for another's.

Waits are bounded: P2P_STEP_TIMEOUT_S per request and sync wait, P2P_PEER_TIMEOUT_S per peering,
P2P_RELAY_HANDOVER_TIMEOUT_S (120 s) for A to hand the 3 messages to B, P2P_CATCHUP_TIMEOUT_S (60 s) for carol to
have them after C is up again.
"""

import os
import re
import time

from nio import JoinResponse, RoomCreateResponse, RoomPreset, RoomVisibility, SyncResponse

from matrix_client import expect, flows, register, run, send_text, wait_until
from p2p_nodes import wait_peered
from steps import clients_closed_at_end, note, prerequisites

CATCHUP_TIMEOUT_S = float(os.environ.get("P2P_CATCHUP_TIMEOUT_S", "60"))
PEER_TIMEOUT_S = float(os.environ.get("P2P_PEER_TIMEOUT_S", "60"))
HANDOVER_TIMEOUT_S = float(os.environ.get("P2P_RELAY_HANDOVER_TIMEOUT_S", "120"))
SUFFIX = f"{int(time.time() * 1000) % 36**6:x}"

state = {"done": set()}  # shared by the steps, in order
needs = prerequisites(state)
close_clients = clients_closed_at_end(state)


def handed_over(log: str, destination: str):
    """(transactions, PDUs) that A's log says it handed to a relay for destination."""
    found = re.findall(r"transaction handed to relay destination=(\S+) relays=(\S+) txn=(\S+) pdus=(\d+)", log)
    mine = [f for f in found if f[0] == destination]
    return len(mine), sum(int(f[3]) for f in mine)


def test_relay_a_line_with_b_as_relay(relay_line, loop):
    """B starts as a relay; A and C trust it; carol on C joins alice's room on A through B's routing."""
    line = relay_line
    line.b.start()
    line.trust_b()
    line.a.start()
    line.c.start()
    wait_peered(line.b, {line.a.server_name, line.c.server_name}, PEER_TIMEOUT_S)
    wait_peered(line.a, {line.b.server_name}, PEER_TIMEOUT_S)
    wait_peered(line.c, {line.b.server_name}, PEER_TIMEOUT_S)
    assert line.c.server_name not in line.a.direct_peers(), "A and C are not peered: all goes through B"
    note(f"relay: A {line.a.server_name}, B (relay) {line.b.server_name}, C {line.c.server_name}")

    alice = register(loop, "alice@A", line.a, f"alice{SUFFIX}")
    carol = register(loop, "carol@C", line.c, f"carol{SUFFIX}")
    state.setdefault("clients", []).extend([alice, carol])
    r = expect(run(loop, alice.room_create(visibility=RoomVisibility.public, preset=RoomPreset.public_chat,
                                           alias="relayparty", name="Relay party")),
               RoomCreateResponse, "alice: POST /createRoom (public, alias relayparty)")
    alias = f"#relayparty:{line.a.server_name}"
    j = expect(run(loop, carol.join(alias)), JoinResponse, f"carol: POST /join/{alias}")
    assert j.room_id == r.room_id
    wait_until(loop, alice, lambda: alice.membership(r.room_id, carol.user_id) == "join", "carol's join")
    took = flows(loop, alice, carol, r.room_id, "before the outage (from A)")
    note(f"relay: carol joined alice's room; A→C {took:.2f} s directly")
    state.update(alice=alice, carol=carol, room=r.room_id)
    state["done"].add("joined")


def test_relay_b_offline_c_gets_messages_through_b(relay_line, loop):
    """C stops; alice sends 3 messages; A hands them to B (C is offline after two failed attempts); B keeps them;
    C starts again, collects them from B, and carol has all 3, once each."""
    needs("joined")
    line = relay_line
    alice, carol, room = state["alice"], state["carol"], state["room"]
    expect(run(loop, carol.poll(0)), SyncResponse, "carol: GET /sync before C stops")
    run(loop, carol.close())
    a_mark, b_mark = line.a.log_size(), line.b.log_size()
    line.c.stop()
    c_mark = line.c.log_size()  # C's next start appends here

    missed = [f"through the relay {i} {SUFFIX}" for i in range(1, 4)]
    t_send = time.monotonic()
    for body in missed:
        send_text(loop, alice, room, body)

    # A keeps trying C directly; after two failures in a row it hands the transactions to B. Wait for A to say so.
    deadline = time.monotonic() + HANDOVER_TIMEOUT_S
    txns, pdus = handed_over(line.a.log_since(a_mark), line.c.server_name)
    while pdus < len(missed) and time.monotonic() < deadline:
        time.sleep(0.5)
        txns, pdus = handed_over(line.a.log_since(a_mark), line.c.server_name)
    t_handed = time.monotonic() - t_send
    assert pdus >= len(missed), (
        f"A hands alice's {len(missed)} messages for offline C to the relay B within {HANDOVER_TIMEOUT_S:.0f} s: its "
        f"log shows {txns} hand-overs with {pdus} PDUs")
    b_log = line.b.log_since(b_mark)
    held = re.findall(rf"relay holds a transaction destination={line.c.server_name} origin={line.a.server_name} ",
                      b_log)
    assert len(held) >= txns, f"B logs holding each of A's {txns} transactions for C: {len(held)}"
    note(f"relay: A handed the {len(missed)} messages to B {t_handed:.1f} s after alice sent them "
         f"({txns} transaction(s); C offline after two failed attempts)")

    # B stays up. C comes back: it drains B at start and when it sees B on the overlay.
    t_start = time.monotonic()
    line.c.start()
    t0 = time.monotonic()
    wait_peered(line.c, {line.b.server_name}, PEER_TIMEOUT_S)
    t_peered = time.monotonic() - t_start

    async def catch_up():
        deadline = t0 + CATCHUP_TIMEOUT_S
        while time.monotonic() < deadline and not set(missed) <= set(carol.bodies(room)):
            await carol.poll(int(max(0.1, min(deadline - time.monotonic(), 3)) * 1000))

    run(loop, catch_up(), CATCHUP_TIMEOUT_S + 20)
    took = time.monotonic() - t0
    got = [b for b in carol.bodies(room) if b in missed]
    assert sorted(got) == missed, (
        f"carol has the {len(missed)} messages sent while C was offline, once each, within {CATCHUP_TIMEOUT_S:.0f} s "
        f"of C's restart; got {got}")

    # The collector logs after it has handed the transactions on, so carol can see the messages a moment before the
    # line is written: give the log a few seconds.
    log_deadline = time.monotonic() + 5
    while True:
        c_log = line.c.log_since(c_mark)
        collected = re.findall(rf"collected relayed transactions relay={line.b.server_name} count=(\d+)", c_log)
        if sum(int(n) for n in collected) >= txns or time.monotonic() > log_deadline:
            break
        time.sleep(0.2)
    assert sum(int(n) for n in collected) >= txns, (
        f"C's log shows it collected A's {txns} transaction(s) from B: {collected}")
    assert "bad sender signature" not in c_log, "C proved A's signature on each relayed transaction"
    acked = re.findall(rf"relayed transaction collected by its addressee destination={line.c.server_name} ",
                       line.b.log_since(b_mark))
    assert len(acked) >= txns, f"B deleted each transaction once C had it: {len(acked)} of {txns}"
    note(f"relay: C up again {t0 - t_start:.1f} s after its start, peered with B at {t_peered:.1f} s; carol had the "
         f"{len(missed)} relayed messages {took:.1f} s after C's client API was up")
    flows(loop, carol, alice, room, "back, and caught up through the relay (from C)")
    state["done"].add("relayed")
