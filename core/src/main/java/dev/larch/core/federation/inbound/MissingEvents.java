package dev.larch.core.federation.inbound;

import dev.larch.core.event.Pdu;
import dev.larch.core.federation.RemoteServerException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills the gap before a received event whose prev events this server lacks: asks its sender for the events between
 * our forward extremities and it, which are then processed oldest first like any received event.
 *
 * <p>Spec: server-server API, "Backfilling and retrieving missing events" ({@code POST /get_missing_events}, with
 * {@code earliest_events} the events we have, so the walk stops there). One request of {@value #LIMIT} events, as
 * Synapse makes: a longer gap is not walked to its end; the state before the oldest events returned is fetched
 * instead ({@link StateAtEvent}), which costs one request rather than many.
 */
final class MissingEvents {
  /** How many missing events one received event may pull in. */
  static final int LIMIT = 10;

  private static final Logger log = LoggerFactory.getLogger(MissingEvents.class);

  private final RemoteEvents remote;

  MissingEvents(RemoteEvents remote) {
    this.remote = remote;
  }

  /** Whether some prev event of {@code event} is not known here with its state. */
  static boolean hasGap(RoomBatch batch, Pdu event) {
    for (String prev : event.prevEventIds()) {
      if (!batch.hasState(prev)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The events before {@code event} that this server does not know, oldest first; empty if the sender could not be
   * asked (the gap is then bridged by fetching state).
   */
  List<Pdu> fetch(RoomBatch batch, String origin, Pdu event) {
    Set<String> earliest = batch.extremities();
    List<Pdu> events;
    try {
      events = remote.missingEvents(origin, batch.roomId(), batch.version(), earliest, List.of(event.eventId()),
          LIMIT);
    } catch (RemoteServerException e) {
      log.info("get_missing_events failed origin={} room={} event={} reason={}", origin, batch.roomId(),
          event.eventId(), e.getMessage());
      return List.of();
    }
    List<Pdu> unknown = new ArrayList<>();
    for (Pdu missing : events) {
      if (!missing.eventId().equals(event.eventId()) && !batch.known(missing.eventId())) {
        unknown.add(missing);
      }
    }
    return unknown;
  }
}
