package dev.larch.core.room;

import dev.larch.core.event.Pdu;

/**
 * An event as stored: the PDU, the exact bytes it was stored as, and where it sits in the room's orderings.
 *
 * @param pdu the event, parsed from {@code canonicalJson}
 * @param canonicalJson the stored bytes, the canonical JSON of the event in its room version; do not modify
 * @param streamPosition the stream position, or 0 for an outlier
 * @param depth the event's depth (topological ordering)
 * @param status how this server judged the event
 */
public record StoredEvent(Pdu pdu, byte[] canonicalJson, long streamPosition, long depth, EventStatus status) {
  public String eventId() {
    return pdu.eventId();
  }

  /** Its pagination position; meaningless for outliers, which have none. */
  public TopologicalPosition topologicalPosition() {
    return new TopologicalPosition(depth, streamPosition);
  }
}
