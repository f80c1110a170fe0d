package dev.larch.core.federation.send;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One item of a destination's durable queue: a PDU (by event ID; its JSON is read from the room store when it is
 * sent, so the queue holds no copy) or an EDU that must survive a restart ({@code m.direct_to_device},
 * {@code m.device_list_update}, {@code m.signing_key_update}).
 *
 * @param id its place in the queue, assigned by the store (0 before it is stored); increasing in queueing order
 * @param eventId the PDU's event ID, or null for an EDU
 * @param eduType the EDU's {@code edu_type}, or null for a PDU
 * @param content the EDU's {@code content}, or null for a PDU
 */
public record QueueEntry(long id, String destination, String eventId, String eduType, ObjectNode content) {
  public QueueEntry {
    Objects.requireNonNull(destination, "destination");
    if ((eventId == null) == (eduType == null) || (eduType == null) != (content == null)) {
      throw new IllegalArgumentException("a queue entry is either a PDU or an EDU with content");
    }
  }

  /** A PDU to queue for {@code destination}. */
  public static QueueEntry pdu(String destination, String eventId) {
    return new QueueEntry(0, destination, eventId, null, null);
  }

  /** An EDU to queue for {@code destination}. */
  public static QueueEntry edu(String destination, String eduType, ObjectNode content) {
    return new QueueEntry(0, destination, null, eduType, content);
  }

  public boolean isPdu() {
    return eventId != null;
  }
}
