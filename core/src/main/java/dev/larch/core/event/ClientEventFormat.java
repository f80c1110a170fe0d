package dev.larch.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.json.JsonMapper;
import java.util.Map;

/**
 * The client format of a room event: what {@code /sync}, {@code /messages}, {@code /event} and every other client
 * endpoint return for a PDU.
 *
 * <p>Spec: client-server API, "Room event format" ({@code ClientEvent}): {@code content}, {@code event_id},
 * {@code origin_server_ts}, {@code room_id}, {@code sender}, {@code type}, {@code state_key} for state events and
 * {@code unsigned} with {@code age}, {@code transaction_id} (only for the device that sent the event),
 * {@code redacted_because}. The federation-only keys ({@code auth_events}, {@code prev_events}, {@code depth},
 * {@code hashes}, {@code signatures}, {@code origin}, ...) are left out. {@code redacts} is kept top-level for
 * redactions of every room version, as v1.8 asks for backwards compatibility.
 */
public final class ClientEventFormat {
  private ClientEventFormat() {}

  /**
   * The client format of {@code event}.
   *
   * @param nowMs the server's time now, for {@code unsigned.age}
   * @param transactionId the transaction ID the requesting device sent the event with, or null
   */
  public static ObjectNode format(Pdu event, long nowMs, String transactionId) {
    ObjectNode json = event.json();
    ObjectNode out = JsonMapper.shared().createObjectNode();
    out.set("content", event.content().deepCopy());
    out.put("event_id", event.eventId());
    out.put("origin_server_ts", event.originServerTs());
    if (event.roomId() != null) {
      out.put("room_id", event.roomId());
    }
    out.put("sender", event.sender());
    out.put("type", event.type());
    if (event.isState()) {
      out.put("state_key", event.stateKey());
    }
    if ("m.room.redaction".equals(event.type()) && event.redacts() != null) {
      out.put("redacts", event.redacts());
    }
    ObjectNode unsigned = out.putObject("unsigned");
    JsonNode stored = json.get("unsigned");
    if (stored instanceof ObjectNode storedUnsigned) {
      for (Map.Entry<String, JsonNode> field : storedUnsigned.properties()) {
        // Only what a client may see; federation's age_ts and our own bookkeeping stay out.
        if (field.getKey().equals("redacted_because") || field.getKey().equals("prev_content")
            || field.getKey().equals("replaces_state")) {
          unsigned.set(field.getKey(), field.getValue().deepCopy());
        }
      }
    }
    unsigned.put("age", Math.max(0, nowMs - event.originServerTs()));
    if (transactionId != null) {
      unsigned.put("transaction_id", transactionId);
    }
    return out;
  }

  /** The client format without {@code room_id}, as {@code /sync} puts events inside their room's section. */
  public static ObjectNode formatWithoutRoomId(Pdu event, long nowMs, String transactionId) {
    ObjectNode out = format(event, nowMs, transactionId);
    out.remove("room_id");
    return out;
  }
}
