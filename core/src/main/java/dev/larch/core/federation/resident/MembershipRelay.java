package dev.larch.core.federation.resident;

import dev.larch.core.event.Pdu;

/**
 * Port: passes a membership event that another server handed to this one ({@code send_join}, {@code send_leave},
 * {@code send_knock}) on to the other servers in the room. The joining server sends its join only to us, so the
 * rest of the room learns of it only if the resident server sends it out (spec: server-server API v1.11, "Joining
 * Rooms": the resident server "sends the event to all other servers in the room"). The send queue implements it,
 * sending to every server with a joined member except this one and {@code origin}.
 *
 * <p>Called after the event is persisted and the room's lock released; it may block (a durable enqueue), and a
 * failure is logged, never passed to the sending server, whose event is accepted either way. Wiring:
 * {@code (event, origin) -> federationSender.sendOnBehalfOf(event.roomId(), event.eventId(), origin)}.
 */
@FunctionalInterface
public interface MembershipRelay {
  /**
   * @param event the accepted event, as stored (with our signature when we authorised a restricted join)
   * @param origin the server that sent it, which already has it
   */
  void relay(Pdu event, String origin);

  /** Relays nothing (no send queue, tests). */
  MembershipRelay NONE = (event, origin) -> {};
}
