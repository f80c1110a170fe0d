package dev.larch.core.room;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.ClientEventFormat;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Formats stored events for one requesting device: {@link ClientEventFormat} plus the transaction IDs that device
 * sent its own events with, looked up in one query per batch.
 *
 * <p>Spec: client-server API, "Room event format" and "Transaction identifiers" ({@code unsigned.transaction_id}
 * only for the device that sent the event).
 */
public final class ClientEvents {
  private final RoomStore store;
  private final Clock clock;

  public ClientEvents(RoomStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** The client format of {@code events}, in order, as seen by {@code userId}'s {@code deviceId}. */
  public List<ObjectNode> format(List<StoredEvent> events, String userId, String deviceId) {
    Map<String, String> txnIds = transactionIds(events, userId, deviceId);
    long now = clock.millis();
    List<ObjectNode> out = new ArrayList<>(events.size());
    for (StoredEvent event : events) {
      out.add(ClientEventFormat.format(event.pdu(), now, txnIds.get(event.eventId())));
    }
    return out;
  }

  /** The client format of one event, as seen by {@code userId}'s {@code deviceId}. */
  public ObjectNode format(StoredEvent event, String userId, String deviceId) {
    return format(List.of(event), userId, deviceId).get(0);
  }

  private Map<String, String> transactionIds(List<StoredEvent> events, String userId, String deviceId) {
    if (deviceId == null) {
      return Map.of();
    }
    List<String> own = events.stream()
        .filter(e -> userId.equals(e.pdu().sender()))
        .map(StoredEvent::eventId)
        .toList();
    return own.isEmpty() ? Map.of() : store.transactionIds(own, userId, deviceId);
  }
}
