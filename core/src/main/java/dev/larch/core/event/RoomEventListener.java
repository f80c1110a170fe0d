package dev.larch.core.event;

/**
 * Port: told about every event this server has persisted as part of a room's timeline, after the transaction
 * committed. The sync notifier wakes long-polls with it; the federation sender queues the event for remote servers.
 *
 * <p>Called on the thread that persisted the event, in stream order within a room. Implementations must return
 * quickly and never throw: a listener's failure must not undo or delay the write the client was told about.
 */
@FunctionalInterface
public interface RoomEventListener {
  /**
   * An event was persisted as accepted (visible to clients).
   *
   * @param event the event as stored
   * @param streamPosition its stream position
   * @param local true if this server created it (a client's send), false if it came over federation
   */
  void onEventPersisted(Pdu event, long streamPosition, boolean local);
}
