package dev.larch.core.federation.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.room.EventStatus;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.RoomLocks;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.StateBefore;
import dev.larch.core.state.StateResolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The server under test ({@value #LOCAL}, user {@value #ALICE}) joined to a room that a fake remote server
 * ({@value #REMOTE}) created, wired to the inbound pipeline over a given {@link RoomStore}: the in-memory one in core
 * tests, the JDBC stores in the federation API's tests.
 */
public final class InboundFixture {
  public static final String LOCAL = "larch.test";
  public static final String REMOTE = "remote.test";
  public static final String ALICE = "@alice:" + LOCAL;
  /** The room's creator, at power level 100. */
  public static final String BOB = "@bob:" + REMOTE;
  /** A moderator (power 50: may ban), joined. */
  public static final String CAROL = "@carol:" + REMOTE;
  public static final String MALLORY = "@mallory:" + REMOTE;

  public final FakeRemoteServer remote;
  public final RoomStore store;
  public final InboundPdus pdus;
  public final TransactionReceiver receiver;
  /** What the listeners heard: event ID and whether it was local. */
  public final List<String> heard = new CopyOnWriteArrayList<>();
  /** The EDUs the receiver was given, as {@code origin type}. */
  public final List<String> edus = new CopyOnWriteArrayList<>();

  public InboundFixture(RoomVersion version, RoomStore store, ReceivedTransactions received) {
    this.remote = new FakeRemoteServer(REMOTE, version);
    this.store = store;
    remote.addServer(LOCAL);
    this.pdus = new InboundPdus(LOCAL, store, new RoomLocks(), new IncomingEventChecks(remote.keys()), remote,
        List.of((event, position, local) -> heard.add(event.eventId() + (local ? " local" : " remote"))), null);
    this.receiver = new TransactionReceiver(pdus, (origin, type, content) -> edus.add(origin + " " + type),
        received, store);
    List<Pdu> initial = new ArrayList<>(remote.createRoom(BOB, CAROL));
    initial.add(remote.join(CAROL));
    initial.add(remote.join(ALICE));
    seed(initial);
  }

  /** Persists events of the fake's room as accepted, one after the other, as a join would have. */
  public void seed(List<Pdu> events) {
    String previous = null;
    for (Pdu event : events) {
      StateBefore before = previous == null ? StateBefore.none() : StateBefore.afterEvent(previous);
      store.persist(PersistRequest.accepted(event, before));
      previous = event.eventId();
    }
  }

  public String roomId() {
    return remote.roomId();
  }

  /** Sends these events from the fake remote in a transaction; returns the {@code pdus} results. */
  public JsonNode send(String txnId, Pdu... events) {
    return receiver.receive(REMOTE, txnId, remote.transaction(List.of(events))).get("pdus");
  }

  /** Sends a transaction made of raw event JSON. */
  public JsonNode sendJson(String txnId, ObjectNode... events) {
    ObjectNode body = remote.transaction(List.of());
    for (ObjectNode event : events) {
      body.withArray("pdus").add(event);
    }
    return receiver.receive(REMOTE, txnId, body).get("pdus");
  }

  public EventStatus status(String eventId) {
    return store.event(eventId).orElseThrow(() -> new AssertionError("not stored: " + eventId)).status();
  }

  /** The state resolution of the states after the room's forward extremities, as stored. */
  public Map<StateKey, String> resolvedStateAtExtremities() {
    List<Map<StateKey, String>> states = new ArrayList<>();
    for (String extremity : store.forwardExtremities(roomId())) {
      states.add(store.stateAfter(extremity).orElseThrow());
    }
    return StateResolver.resolve(remote.version(), states,
        id -> store.event(id).map(e -> e.pdu()));
  }
}
