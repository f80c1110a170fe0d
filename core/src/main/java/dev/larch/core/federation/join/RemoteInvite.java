package dev.larch.core.federation.join;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.EventSigner;
import dev.larch.core.event.EventVerdict;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.PduVerifier;
import dev.larch.core.event.StateKey;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.id.UserId;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.CurrentStateUpdate;
import dev.larch.core.room.EventBuilder;
import dev.larch.core.room.EventDraft;
import dev.larch.core.room.EventStatus;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.PersistResult;
import dev.larch.core.room.RoomLocks;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.StateBefore;
import dev.larch.core.room.StoredEvent;
import dev.larch.core.state.StateResolver;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invites another server's user into a room this server is in: the invite is built on the room's head like any
 * local event (and authorized: {@code M_FORBIDDEN} if the inviter may not), sent to the invitee's server with
 * {@code PUT /_matrix/federation/v2/invite/{roomId}/{eventId}} and the room's stripped state, and the copy it returns
 * signed by both servers is stored and handed to the listeners like a local send, so the other servers in the room
 * get it too.
 *
 * <p>Spec: server-server API, "Inviting to a room"; client-server API, {@code POST /rooms/{roomId}/invite}. The room
 * is not locked while the invitee's server answers; if other events arrived meanwhile, the invite becomes a second
 * forward extremity and current state is resolved over both, as for any fork.
 */
final class RemoteInvite {
  /** The state events whose stripped form goes with an invite (spec: "Stripped state", recommended set). */
  static final List<String> STRIPPED_TYPES = List.of("m.room.create", "m.room.join_rules", "m.room.name",
      "m.room.canonical_alias", "m.room.avatar", "m.room.encryption", "m.room.topic");
  private static final int MAX_PREV_EVENTS = 10;
  private static final Logger log = LoggerFactory.getLogger(RemoteInvite.class);

  private final RoomWriter writer;
  private final RoomLocks locks;
  private final EventBuilder builder;
  private final EventSigner signer;
  private final FederationClient client;
  private final ReceivedEvents received;

  RemoteInvite(RoomWriter writer, RoomLocks locks, EventBuilder builder, EventSigner signer, FederationClient client,
      ReceivedEvents received) {
    this.writer = writer;
    this.locks = locks;
    this.builder = builder;
    this.signer = signer;
    this.client = client;
    this.received = received;
  }

  /** The stored invite. */
  Pdu invite(String inviter, String roomId, String invitee, ObjectNode content) {
    RoomStore store = writer.store();
    String server = UserId.parse(invitee).serverName().value();
    RoomVersion version =
        store.roomVersion(roomId).orElseThrow(() -> MatrixException.forbidden("You are not in room " + roomId));
    Head head = locks.withLock(roomId, () -> head(roomId, version));
    Pdu event = builder.build(version, roomId, inviter, EventDraft.state("m.room.member", invitee, content),
        head.prevEvents(), slot -> Optional.ofNullable(head.state().get(slot)).flatMap(store::event)
            .map(StoredEvent::pdu));
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("room_version", version.identifier());
    body.set("event", event.json());
    body.set("invite_room_state", strippedState(head.state(), inviter));
    Pdu signed;
    try {
      JsonNode answer = client.request(server, "PUT", "/_matrix/federation/v2/invite/" + PathSegment.encode(roomId)
          + "/" + PathSegment.encode(event.eventId()), body);
      signed = countersigned(server, roomId, event, answer.get("event"));
    } catch (RemoteServerException e) {
      CandidateFailures failures = new CandidateFailures("invite into", roomId);
      failures.add(e);
      throw failures.toMatrixException();
    }
    long position = locks.withLock(roomId, () -> persist(signed, head));
    if (position > 0) {
      writer.notifyListeners(signed, position, true);
    }
    log.info("invited over federation room={} invitee={} event={}", roomId, invitee, signed.eventId());
    return signed;
  }

  // The invitee's copy must be our event (same ID, content hash intact) with both servers' valid signatures.
  private Pdu countersigned(String server, String roomId, Pdu ours, JsonNode returned) {
    try {
      Pdu copy = ReceivedEvents.parse(ours.roomVersion(), roomId, returned);
      if (!copy.eventId().equals(ours.eventId())) {
        throw new ReceivedEvents.BadEvent("the invite came back with another event ID");
      }
      PduVerifier.KeyLookup keys = (name, keyId) -> signer.serverName().equals(name)
          ? Optional.of(signer.verifyKey()).filter(k -> keyId.equals(signer.keyId()))
          : received.lookupAt(ReceivedEvents.validAt(copy)).verifyKey(name, keyId);
      EventVerdict verdict = PduVerifier.verify(copy, keys);
      Set<String> signers = new HashSet<>(PduVerifier.expectedSigners(copy));
      signers.add(server);
      if (!verdict.isSignedByAll(signers) || !verdict.contentHashOk()) {
        throw new ReceivedEvents.BadEvent("the invite is not our event validly signed by " + signers);
      }
      return copy;
    } catch (ReceivedEvents.BadEvent e) {
      throw RemoteServerException.badResponse(server, "invite answer refused: " + e.getMessage(), null);
    }
  }

  private long persist(Pdu invite, Head head) {
    RoomStore store = writer.store();
    String roomId = invite.roomId();
    Set<String> extremities = store.forwardExtremities(roomId);
    Set<String> prevs = new HashSet<>(invite.prevEventIds());
    CurrentStateUpdate update = CurrentStateUpdate.toStateAfterEvent();
    if (!extremities.equals(prevs)) {
      // Events arrived while the invitee's server answered: resolve over the other extremities and the invite.
      List<Map<StateKey, String>> states = new ArrayList<>();
      for (String extremity : extremities) {
        if (!prevs.contains(extremity)) {
          store.stateAfter(extremity).ifPresent(states::add);
        }
      }
      Map<StateKey, String> afterInvite = new HashMap<>(head.state());
      afterInvite.put(StateKey.of("m.room.member", invite.stateKey()), invite.eventId());
      states.add(afterInvite);
      EventPool pool = new EventPool(store);
      pool.add(invite);
      update = CurrentStateUpdate.to(StateResolver.resolve(invite.roomVersion(), states, pool));
    }
    PersistRequest request =
        new PersistRequest(invite, EventStatus.ACCEPTED, head.stateBefore(), update, Optional.empty());
    PersistResult result = writer.persist(List.of(request)).get(0);
    return result.alreadyStored() ? 0 : result.streamPosition();
  }

  // The room's state as stripped events, with the inviter's membership (spec: "Stripped state").
  private ArrayNode strippedState(Map<StateKey, String> state, String inviter) {
    List<String> ids = new ArrayList<>();
    for (String type : STRIPPED_TYPES) {
      Optional.ofNullable(state.get(StateKey.of(type, ""))).ifPresent(ids::add);
    }
    Optional.ofNullable(state.get(StateKey.of("m.room.member", inviter))).ifPresent(ids::add);
    ArrayNode stripped = JsonMapper.shared().createArrayNode();
    for (StoredEvent event : writer.store().events(ids)) {
      Pdu pdu = event.pdu();
      ObjectNode entry = stripped.addObject();
      entry.put("type", pdu.type());
      entry.put("state_key", pdu.stateKey());
      entry.put("sender", pdu.sender());
      entry.set("content", pdu.content().deepCopy());
    }
    return stripped;
  }

  /** Where the invite goes: its prev events, the state before it, and how the store is told that state. */
  private record Head(List<Pdu> prevEvents, Map<StateKey, String> state, StateBefore stateBefore) {}

  // The forward extremities (deepest first, at most ten) and the state after them, resolved if several: what
  // EventSender reads for a local send.
  private Head head(String roomId, RoomVersion version) {
    RoomStore store = writer.store();
    List<Pdu> prevEvents = new ArrayList<>(store.events(store.forwardExtremities(roomId)).stream()
        .map(StoredEvent::pdu).toList());
    prevEvents.sort(Comparator.comparingLong(Pdu::depth).reversed().thenComparing(Pdu::eventId));
    if (prevEvents.size() > MAX_PREV_EVENTS) {
      prevEvents = prevEvents.subList(0, MAX_PREV_EVENTS);
    }
    if (prevEvents.isEmpty()) {
      throw MatrixException.forbidden("You are not in room " + roomId);
    }
    if (prevEvents.size() == 1) {
      String prev = prevEvents.get(0).eventId();
      return new Head(prevEvents, store.stateAfter(prev).orElseThrow(), StateBefore.afterEvent(prev));
    }
    List<Map<StateKey, String>> states = new ArrayList<>();
    for (Pdu prev : prevEvents) {
      store.stateAfter(prev.eventId()).ifPresent(states::add);
    }
    Map<StateKey, String> state = StateResolver.resolve(version, states, new EventPool(store));
    return new Head(prevEvents, state, StateBefore.resolved(state, prevEvents.get(0).eventId()));
  }
}
