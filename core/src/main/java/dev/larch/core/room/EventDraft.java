package dev.larch.core.room;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * What a local user asks to send, before the server adds the PDU fields (prev/auth events, depth, hashes,
 * signatures). Spec: client-server API, "Room events" (type, state_key, content) and {@code m.room.redaction}.
 *
 * @param type the event type
 * @param stateKey the state key, or null for a non-state event
 * @param content the event content; not modified
 * @param redacts the event an {@code m.room.redaction} redacts, or null
 */
public record EventDraft(String type, String stateKey, ObjectNode content, String redacts) {
  public EventDraft {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(content, "content");
  }

  /** A non-state event. */
  public static EventDraft message(String type, ObjectNode content) {
    return new EventDraft(type, null, content, null);
  }

  /** A state event. */
  public static EventDraft state(String type, String stateKey, ObjectNode content) {
    return new EventDraft(type, Objects.requireNonNull(stateKey, "stateKey"), content, null);
  }

  /** An {@code m.room.redaction} of {@code eventId}. */
  public static EventDraft redaction(String eventId, ObjectNode content) {
    return new EventDraft("m.room.redaction", null, content, Objects.requireNonNull(eventId, "eventId"));
  }
}
