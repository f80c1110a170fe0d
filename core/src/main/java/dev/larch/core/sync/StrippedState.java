package dev.larch.core.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The stripped state shown with an invite or a knock: a few state events that describe the room, each reduced to
 * {@code type}, {@code state_key}, {@code sender} and {@code content}, plus the membership event itself.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#stripped-state">client-server API v1.11,
 * "Stripped state"</a>. An invite that came over federation carries its own {@code unsigned.invite_room_state};
 * otherwise the room's current state supplies the recommended events.
 */
public final class StrippedState {
  private static final List<String> TYPES = List.of(
      "m.room.create", "m.room.join_rules", "m.room.name", "m.room.avatar", "m.room.canonical_alias",
      "m.room.encryption", "m.room.topic");

  private final RoomStore rooms;

  public StrippedState(RoomStore rooms) {
    this.rooms = Objects.requireNonNull(rooms, "rooms");
  }

  /** The stripped state for the membership event {@code membershipEventId} (an invite or a knock). */
  public List<ObjectNode> forMembership(String roomId, String membershipEventId) {
    List<ObjectNode> stripped = new ArrayList<>();
    Optional<Pdu> membership = rooms.event(membershipEventId).map(StoredEvent::pdu);
    JsonNode carried = membership
        .map(p -> p.json().get("unsigned"))
        .map(u -> u.get("invite_room_state") != null ? u.get("invite_room_state") : u.get("knock_room_state"))
        .orElse(null);
    if (carried != null && carried.isArray()) {
      for (JsonNode event : carried) {
        if (event.isObject()) {
          stripped.add(((ObjectNode) event).deepCopy());
        }
      }
    } else {
      Map<StateKey, String> state = rooms.currentState(roomId);
      List<String> ids = new ArrayList<>();
      for (String type : TYPES) {
        String id = state.get(StateKey.of(type, ""));
        if (id != null) {
          ids.add(id);
        }
      }
      membership.map(p -> state.get(StateKey.of("m.room.member", p.sender()))).ifPresent(ids::add);
      for (StoredEvent event : rooms.events(ids)) {
        if (!event.eventId().equals(membershipEventId)) {
          stripped.add(strip(event.pdu()));
        }
      }
    }
    membership.ifPresent(p -> stripped.add(strip(p)));
    return stripped;
  }

  /** One event as stripped state. */
  public static ObjectNode strip(Pdu pdu) {
    ObjectNode event = JsonMapper.shared().createObjectNode();
    event.put("type", pdu.type());
    event.put("state_key", pdu.stateKey());
    event.put("sender", pdu.sender());
    event.set("content", pdu.content().deepCopy());
    return event;
  }
}
