package dev.larch.core.federation.join;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.auth.AuthResult;
import dev.larch.core.auth.AuthRules;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.room.RoomVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A {@code send_join} answer, checked: the room state before our join and the auth chain, every event validly
 * signed (redacted where its content hash fails) and authorized by its own auth events, the create event the room's,
 * and our join allowed by that state. Anything else makes the whole answer the remote's fault, and the join is tried
 * through the next server: state we cannot trust is never stored.
 *
 * <p>Spec: server-server API, "Joining Rooms" ("the joining server ... should validate the state and auth chain"),
 * {@code PUT /_matrix/federation/v2/send_join/{roomId}/{eventId}}.
 *
 * @param join our join event: the one we sent, or the resident's copy with its signature added (restricted joins)
 * @param state the state before the join, slot to event ID
 * @param events every event of {@code state} and the auth chain, by ID, as they are to be stored
 * @param create the room's create event
 */
record SendJoinAnswer(Pdu join, Map<StateKey, String> state, Map<String, Pdu> events, Pdu create) {
  /**
   * Checks {@code answer} from {@code server} for our {@code join} into {@code roomId}.
   *
   * @param held events this server already stored and accepted (a rejoin may cite them)
   * @throws RemoteServerException {@code BAD_RESPONSE} naming what is wrong
   */
  static SendJoinAnswer check(String server, String roomId, Pdu join, JsonNode answer, ReceivedEvents received,
      Function<String, Optional<Pdu>> held) {
    RoomVersion version = join.roomVersion();
    try {
      Pdu ourJoin = join;
      JsonNode returned = answer.get("event");
      if (returned != null && returned.isObject()) {
        Pdu copy = ReceivedEvents.parse(version, roomId, returned);
        if (!copy.eventId().equals(join.eventId())) {
          throw new ReceivedEvents.BadEvent("the returned join event is not ours");
        }
        ourJoin = received.verify(copy);
      }
      List<Pdu> stateEvents = parseAll(version, roomId, ReceivedEvents.array(answer, "state"));
      List<Pdu> chain = parseAll(version, roomId, ReceivedEvents.array(answer, "auth_chain"));
      if (stateEvents.isEmpty()) {
        throw new ReceivedEvents.BadEvent("the answer carries no state");
      }
      List<Pdu> all = new ArrayList<>(stateEvents);
      all.addAll(chain);
      received.prefetch(all);
      Map<String, Pdu> events = new LinkedHashMap<>();
      for (Pdu event : all) {
        if (!events.containsKey(event.eventId())) {
          events.put(event.eventId(), received.verify(event));
        }
      }
      Map<StateKey, String> state = new HashMap<>();
      for (Pdu event : stateEvents) {
        StateKey slot = event.stateSlot()
            .orElseThrow(() -> new ReceivedEvents.BadEvent("state event " + event.eventId() + " has no state_key"));
        String earlier = state.put(slot, event.eventId());
        if (earlier != null && !earlier.equals(event.eventId())) {
          throw new ReceivedEvents.BadEvent("the state has two events for " + slot);
        }
      }
      Pdu create = checkCreate(version, roomId, state, events);
      Map<String, String> rejected = AuthChainCheck.check(events, held, create);
      if (!rejected.isEmpty()) {
        Map.Entry<String, String> first = rejected.entrySet().iterator().next();
        throw new ReceivedEvents.BadEvent(rejected.size() + " events fail the auth rules, e.g. " + first.getKey()
            + ": " + first.getValue());
      }
      checkJoin(ourJoin, state, events, held, create);
      return new SendJoinAnswer(ourJoin, Map.copyOf(state), events, create);
    } catch (ReceivedEvents.BadEvent e) {
      throw RemoteServerException.badResponse(server, "send_join answer refused: " + e.getMessage(), null);
    }
  }

  private static List<Pdu> parseAll(RoomVersion version, String roomId, List<JsonNode> json)
      throws ReceivedEvents.BadEvent {
    List<Pdu> events = new ArrayList<>(json.size());
    for (JsonNode event : json) {
      events.add(ReceivedEvents.parse(version, roomId, event));
    }
    return events;
  }

  // The state's create event must be the room's: its ID (v12) or room_id names the room, its version the room's.
  private static Pdu checkCreate(RoomVersion version, String roomId, Map<StateKey, String> state,
      Map<String, Pdu> events) throws ReceivedEvents.BadEvent {
    String createId = state.get(StateKey.of("m.room.create", ""));
    if (createId == null) {
      throw new ReceivedEvents.BadEvent("the state has no m.room.create event");
    }
    Pdu create = events.get(createId);
    if (!Objects.equals(create.roomId(), roomId)) {
      throw new ReceivedEvents.BadEvent("the create event is of another room");
    }
    String declared = ReceivedEvents.text(create.content(), "room_version").orElse("1");
    if (!declared.equals(version.identifier())) {
      throw new ReceivedEvents.BadEvent(
          "the create event says room version " + declared + ", make_join said " + version.identifier());
    }
    return create;
  }

  // Our join must pass against its own auth events and against the state it joins into.
  private static void checkJoin(Pdu join, Map<StateKey, String> state, Map<String, Pdu> events,
      Function<String, Optional<Pdu>> held, Pdu create) throws ReceivedEvents.BadEvent {
    List<Pdu> authEvents = new ArrayList<>();
    for (String authId : join.authEventIds()) {
      Pdu authEvent = events.containsKey(authId) ? events.get(authId) : held.apply(authId).orElse(null);
      if (authEvent == null) {
        throw new ReceivedEvents.BadEvent("the join's auth event " + authId + " is not in the answer");
      }
      authEvents.add(authEvent);
    }
    AuthResult byAuthEvents = AuthRules.authorizeWithAuthEvents(join, authEvents, create);
    if (byAuthEvents instanceof AuthResult.Rejected r) {
      throw new ReceivedEvents.BadEvent("our join fails against its auth events: " + r.reason());
    }
    Map<StateKey, Pdu> stateEvents = new HashMap<>();
    state.forEach((slot, id) -> stateEvents.put(slot, events.get(id)));
    AuthResult byState = AuthRules.authorize(join, stateEvents);
    if (byState instanceof AuthResult.Rejected r) {
      throw new ReceivedEvents.BadEvent("our join fails against the room state: " + r.reason());
    }
  }
}
