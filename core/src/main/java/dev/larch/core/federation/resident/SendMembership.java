package dev.larch.core.federation.resident;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.auth.AuthResult;
import dev.larch.core.auth.AuthRules;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.EventSigner;
import dev.larch.core.event.EventVerdict;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.PduVerifier;
import dev.larch.core.event.RoomEventListener;
import dev.larch.core.event.StateKey;
import dev.larch.core.federation.keys.ServerKeys;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.CurrentStateUpdate;
import dev.larch.core.room.EventBuilder;
import dev.larch.core.room.EventStatus;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.PersistResult;
import dev.larch.core.room.RoomLocks;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.StoredEvent;
import dev.larch.core.sync.StrippedState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code send_join}, {@code send_leave} and {@code send_knock} (v2): a membership event that another server built
 * from our template and signed, accepted into the room here and answered.
 *
 * <p>Spec: server-server API v1.11, "Joining Rooms", "Leaving Rooms", "Knocking". Checks, each a Matrix error:
 *
 * <ol>
 *   <li>this server is in the room (404) and its ACL allows the origin (403);
 *   <li>the body is an event of the room's version whose ID is the path's (400), of the path's room, an
 *       {@code m.room.member} of the expected membership whose sender is its state key and a user of the origin
 *       (403), at most 65,536 bytes (413);
 *   <li>it is validly signed by the origin with an intact content hash (403 / 400); a restricted join that names a
 *       user of ours in {@code join_authorised_via_users_server} gets our signature, one naming another server's
 *       user must carry that server's;
 *   <li>under the room's lock: its prev events are events of the room here with state (400), its auth events are
 *       known and not rejected, and it passes the auth rules against them, against the state before it and against
 *       the current state (403; Synapse would soft-fail the last, but refusing lets the user retry);
 *   <li>then it is persisted as accepted, the current state following it (or the resolution of the current state
 *       and the state after it, when the room moved on since the template), and the room's listeners hear of it
 *       with {@code local=false}; the {@link MembershipRelay} passes it to the other servers in the room.
 * </ol>
 *
 * A repeated request for an event that is already accepted answers again without storing anything.
 */
public final class SendMembership {
  private static final Logger log = LoggerFactory.getLogger(SendMembership.class);
  private static final StateKey CREATE_SLOT = StateKey.of("m.room.create", "");
  /** With {@code omit_members}, at most this many members are kept as the room's heroes. */
  private static final int HEROES = 5;

  private final RoomStore store;
  private final RoomAccess access;
  private final ServerKeys keys;
  private final EventSigner signer;
  private final RoomLocks locks;
  private final List<RoomEventListener> listeners;
  private final MembershipRelay relay;

  public SendMembership(RoomStore store, RoomAccess access, ServerKeys keys, EventSigner signer, RoomLocks locks,
      List<RoomEventListener> listeners, MembershipRelay relay) {
    this.store = store;
    this.access = access;
    this.keys = keys;
    this.signer = signer;
    this.locks = locks;
    this.listeners = List.copyOf(listeners);
    this.relay = relay;
  }

  /** An accepted membership event and the state before it. */
  private record Accepted(Pdu event, Map<StateKey, String> stateBefore, List<String> serversBefore,
      boolean fresh) {}

  /**
   * {@code PUT /_matrix/federation/v2/send_join/{roomId}/{eventId}}: {@code origin}, {@code state} (the state before
   * the join), {@code auth_chain}, {@code event} (with our signature when we authorised it), and with
   * {@code omitMembers} the partial state answer ({@code members_omitted}, {@code servers_in_room}).
   */
  public ObjectNode sendJoin(String origin, String roomId, String eventId, ObjectNode body, boolean omitMembers) {
    Accepted accepted = accept(origin, roomId, eventId, body, "join");
    List<Pdu> state = new ArrayList<>();
    Set<String> heroes = omitMembers ? heroes(accepted) : Set.of();
    for (StoredEvent event : store.events(accepted.stateBefore().values())) {
      Pdu pdu = event.pdu();
      if (!omitMembers || !"m.room.member".equals(pdu.type()) || heroes.contains(pdu.stateKey())
          || pdu.stateKey().equals(accepted.event().sender())) {
        state.add(pdu);
      }
    }
    List<Pdu> chainOf = new ArrayList<>(state);
    chainOf.add(accepted.event());
    ObjectNode out = JsonMapper.shared().createObjectNode();
    out.put("origin", access.serverName());
    ArrayNode stateJson = out.putArray("state");
    state.forEach(pdu -> stateJson.add(pdu.json()));
    ArrayNode chain = out.putArray("auth_chain");
    Set<String> inState = new HashSet<>();
    state.forEach(pdu -> inState.add(pdu.eventId()));
    for (StoredEvent event : AuthChains.of(store, chainOf)) {
      // With omit_members the spec lets us leave out what state already carries.
      if (!omitMembers || !inState.contains(event.eventId())) {
        chain.add(event.pdu().json());
      }
    }
    out.set("event", accepted.event().json());
    out.put("members_omitted", omitMembers);
    if (omitMembers) {
      ArrayNode servers = out.putArray("servers_in_room");
      accepted.serversBefore().forEach(servers::add);
    }
    return out;
  }

  /** {@code PUT /_matrix/federation/v2/send_leave/{roomId}/{eventId}}: {@code {}}. */
  public ObjectNode sendLeave(String origin, String roomId, String eventId, ObjectNode body) {
    accept(origin, roomId, eventId, body, "leave");
    return JsonMapper.shared().createObjectNode();
  }

  /** {@code PUT /_matrix/federation/v1/send_knock/{roomId}/{eventId}}: {@code knock_room_state}. */
  public ObjectNode sendKnock(String origin, String roomId, String eventId, ObjectNode body) {
    Accepted accepted = accept(origin, roomId, eventId, body, "knock");
    ObjectNode out = JsonMapper.shared().createObjectNode();
    ArrayNode stripped = out.putArray("knock_room_state");
    new StrippedState(store).forMembership(roomId, accepted.event().eventId()).forEach(stripped::add);
    return out;
  }

  private Accepted accept(String origin, String roomId, String eventId, ObjectNode body, String membership) {
    RoomVersion version = access.requireAllowed(roomId, origin);
    if ("knock".equals(membership) && !version.supportsKnocking()) {
      throw new MatrixException(ErrorCode.INCOMPATIBLE_ROOM_VERSION,
          "Room version " + version.identifier() + " does not support knocking",
          Map.of("room_version", version.identifier()), null);
    }
    Pdu event = checkFormat(origin, roomId, eventId, Pdu.fromJson(version, body), membership);
    event = checkSignatures(origin, event);
    Pdu checked = event;
    Accepted accepted = locks.withLock(roomId, () -> persist(roomId, version, checked));
    if (accepted.fresh()) {
      relay(accepted.event());
    }
    return accepted;
  }

  private Pdu checkFormat(String origin, String roomId, String eventId, Pdu event, String membership) {
    if (!event.eventId().equals(eventId)) {
      throw MatrixException.invalidParam("The event's ID is " + event.eventId() + ", not " + eventId);
    }
    if (!roomId.equals(event.roomId())) {
      throw MatrixException.invalidParam("The event is not of room " + roomId);
    }
    if (!"m.room.member".equals(event.type()) || !membership.equals(event.membership())) {
      throw MatrixException.invalidParam("Expected an m.room.member event with membership " + membership);
    }
    if (event.sender() == null || !event.sender().equals(event.stateKey())) {
      throw MatrixException.invalidParam("The event's sender must be its state_key");
    }
    if (!RoomAccess.belongsTo(event.sender(), origin)) {
      throw MatrixException.forbidden("User " + event.sender() + " does not belong to server " + origin);
    }
    if (event.canonicalJson().length > EventBuilder.MAX_EVENT_BYTES) {
      throw MatrixException.tooLarge("Event is larger than " + EventBuilder.MAX_EVENT_BYTES + " bytes");
    }
    return event;
  }

  // The origin's signature and the content hash; our own signature on a restricted join we authorise.
  private Pdu checkSignatures(String origin, Pdu event) {
    RoomVersion version = event.roomVersion();
    long at = version.enforcesKeyValidity() ? event.originServerTs() : ServerKeys.ANY_TIME;
    EventVerdict verdict = PduVerifier.verify(event, keys.lookupAt(at));
    if (!verdict.isSignedByAll(PduVerifier.expectedSigners(event))) {
      throw MatrixException.forbidden("The event is not validly signed by " + origin);
    }
    if (!verdict.contentHashOk()) {
      throw MatrixException.badJson("The event's content hash does not match its content");
    }
    JsonNode authoriser = event.content().get("join_authorised_via_users_server");
    if ("join".equals(event.membership()) && version.supportsRestrictedJoins() && authoriser != null
        && authoriser.isTextual()) {
      String server = RoomAccess.serverOf(authoriser.textValue());
      if (access.serverName().equals(server)) {
        return signer.addSignature(event);
      }
      if (server == null || !verdict.isSignedBy(server)) {
        throw MatrixException.forbidden("The join is not signed by the server of its authorising user");
      }
    }
    return event;
  }

  // Under the room's lock.
  private Accepted persist(String roomId, RoomVersion version, Pdu event) {
    Optional<StoredEvent> stored = store.event(event.eventId());
    if (stored.isPresent() && stored.get().status().visibleToClients()) {
      Map<StateKey, String> before = store.stateBefore(event.eventId()).orElse(Map.of());
      return new Accepted(stored.get().pdu(), before, access.joinedServers(roomId), false);
    }
    List<StoredEvent> prevs = store.events(event.prevEventIds());
    if (event.prevEventIds().isEmpty() || prevs.size() != new HashSet<>(event.prevEventIds()).size()
        || prevs.stream().anyMatch(p -> !p.status().visibleToClients() || !roomId.equals(p.pdu().roomId()))) {
      throw MatrixException.invalidParam("The event's prev_events are not events of the room on this server");
    }
    RoomHead head = RoomHead.of(store, version, prevs.stream().map(StoredEvent::pdu).toList())
        .orElseThrow(() -> MatrixException.invalidParam("The event's prev_events have no state on this server"));
    authorize(roomId, event, head);
    Set<String> extremities = store.forwardExtremities(roomId);
    CurrentStateUpdate update;
    if (extremities.equals(new HashSet<>(event.prevEventIds()))) {
      update = CurrentStateUpdate.toStateAfterEvent();
    } else {
      // The room moved on since the template: the new head is the current one plus this event.
      Map<StateKey, String> after = new HashMap<>(head.state());
      after.put(event.stateSlot().orElseThrow(), event.eventId());
      update = CurrentStateUpdate.to(RoomHead.resolve(store, version, List.of(store.currentState(roomId), after)));
    }
    List<String> serversBefore = access.joinedServers(roomId);
    PersistResult result =
        store.persist(new PersistRequest(event, EventStatus.ACCEPTED, head.stateBefore(), update, Optional.empty()));
    if (!result.alreadyStored()) {
      log.info("remote membership accepted room={} event={} membership={} sender={}", roomId, event.eventId(),
          event.membership(), event.sender());
      notifyListeners(event, result.streamPosition());
    }
    return new Accepted(event, head.state(), serversBefore, !result.alreadyStored());
  }

  // The auth rules against the event's auth events, the state before it, and the current state.
  private void authorize(String roomId, Pdu event, RoomHead head) {
    List<StoredEvent> authEvents = store.events(event.authEventIds());
    if (authEvents.size() != new HashSet<>(event.authEventIds()).size()
        || authEvents.stream().anyMatch(e -> e.status().rejected())) {
      throw MatrixException.forbidden("The event cites auth events this server does not accept");
    }
    Pdu create = access.currentStateEvent(roomId, CREATE_SLOT).orElse(null);
    AuthResult byAuthEvents = AuthRules.authorizeWithAuthEvents(event,
        authEvents.stream().map(StoredEvent::pdu).toList(), create);
    reject(byAuthEvents);
    reject(AuthRules.authorize(event, head.authState(store, event)));
    reject(AuthRules.authorize(event, AuthStates.load(store, store.currentState(roomId), event)));
  }

  private static void reject(AuthResult result) {
    if (result instanceof AuthResult.Rejected rejected) {
      throw MatrixException.forbidden("The event is not allowed in the room (rule " + rejected.reason() + ")");
    }
  }

  // Up to five joined or invited members other than the joiner, when the room has no name nor canonical alias:
  // what the joiner's /sync summary shows (spec: "omit_members").
  private Set<String> heroes(Accepted accepted) {
    Map<StateKey, String> state = accepted.stateBefore();
    if (state.containsKey(StateKey.of("m.room.name", ""))
        || state.containsKey(StateKey.of("m.room.canonical_alias", ""))) {
      return Set.of();
    }
    List<String> ids = new ArrayList<>();
    state.forEach((slot, id) -> {
      if ("m.room.member".equals(slot.type()) && !slot.stateKey().equals(accepted.event().sender())) {
        ids.add(id);
      }
    });
    List<StoredEvent> members = new ArrayList<>(store.events(ids));
    members.sort(Comparator.comparingLong(StoredEvent::streamPosition).thenComparing(StoredEvent::eventId));
    Set<String> heroes = new LinkedHashSet<>();
    for (StoredEvent member : members) {
      String membership = member.pdu().membership();
      if (("join".equals(membership) || "invite".equals(membership)) && heroes.size() < HEROES) {
        heroes.add(member.pdu().stateKey());
      }
    }
    return heroes;
  }

  private void notifyListeners(Pdu event, long position) {
    for (RoomEventListener listener : listeners) {
      try {
        listener.onEventPersisted(event, position, false);
      } catch (RuntimeException e) {
        log.error("room event listener failed room={} event={}", event.roomId(), event.eventId(), e);
      }
    }
  }

  private void relay(Pdu event) {
    try {
      relay.relay(event, RoomAccess.serverOf(event.sender()));
    } catch (RuntimeException e) {
      log.error("membership relay failed room={} event={}", event.roomId(), event.eventId(), e);
    }
  }
}
