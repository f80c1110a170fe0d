package dev.larch.core.federation.resident;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.Redactor;
import dev.larch.core.event.StateKey;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which events of a room another server may see, as Synapse's {@code filter_events_for_server} decides: by the
 * {@code m.room.history_visibility} in the state after the event.
 *
 * <ul>
 *   <li>{@code world_readable} or {@code shared} (the default): visible.
 *   <li>{@code invited}: visible if a user of the server was invited or joined at the event.
 *   <li>{@code joined}: visible if a user of the server was joined at the event.
 * </ul>
 *
 * An event the server may not see is served redacted, so the DAG stays walkable (its hashes and signatures still
 * check). An outlier, whose state is unknown, is judged by the room's current state.
 *
 * <p>Spec: client-server API v1.11, "History visibility"; server-server API v1.11, "Retrieving events" (servers
 * apply history visibility to what they serve).
 */
public final class ServerVisibility {
  private static final StateKey VISIBILITY_SLOT = StateKey.of("m.room.history_visibility", "");

  private final RoomStore store;

  public ServerVisibility(RoomStore store) {
    this.store = store;
  }

  /** The events as {@code server} may see them, in the order given: visible ones as they are, others redacted. */
  public List<Pdu> filter(String server, List<StoredEvent> events) {
    List<Pdu> out = new ArrayList<>(events.size());
    for (StoredEvent event : events) {
      out.add(canSee(server, event) ? event.pdu() : redacted(event.pdu()));
    }
    return out;
  }

  /** Whether {@code server} may see {@code event} in full. */
  public boolean canSee(String server, StoredEvent event) {
    Map<StateKey, String> state = event.status().outlier()
        ? store.currentState(event.pdu().roomId())
        : store.stateAfter(event.eventId()).orElseGet(() -> store.currentState(event.pdu().roomId()));
    String visibility = Optional.ofNullable(state.get(VISIBILITY_SLOT))
        .flatMap(store::event)
        .map(e -> visibilityOf(e.pdu()))
        .orElse("shared");
    return switch (visibility) {
      case "world_readable", "shared" -> true;
      case "invited" -> hasMember(state, server, true);
      default -> hasMember(state, server, false);
    };
  }

  // Whether a user of the server is joined (or, with invited, invited) in the state map.
  private boolean hasMember(Map<StateKey, String> state, String server, boolean invited) {
    List<String> ids = new ArrayList<>();
    for (Map.Entry<StateKey, String> entry : state.entrySet()) {
      if ("m.room.member".equals(entry.getKey().type()) && RoomAccess.belongsTo(entry.getKey().stateKey(), server)) {
        ids.add(entry.getValue());
      }
    }
    for (StoredEvent member : store.events(ids)) {
      String membership = member.pdu().membership();
      if ("join".equals(membership) || (invited && "invite".equals(membership))) {
        return true;
      }
    }
    return false;
  }

  private static Pdu redacted(Pdu event) {
    return new Pdu(event.roomVersion(), Redactor.redact(event.json(), event.roomVersion()), event.eventId());
  }

  static String visibilityOf(Pdu event) {
    JsonNode value = event.content().get("history_visibility");
    return value != null && value.isTextual() ? value.textValue() : "shared";
  }
}
