package dev.larch.core.auth;

import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import java.util.Map;
import java.util.Set;

/**
 * The authorization rules of every room version, and the auth-events selection algorithm.
 *
 * <p>Spec: room versions, "Authorization rules" (one variant per version); server-server API, "Auth events
 * selection".
 */
public final class AuthRules {
  private AuthRules() {}

  /**
   * Checks {@code event} against {@code authState}: the state the rules read (the event's auth events, or the room
   * state before it), keyed by (type, state_key). The event's own room version picks the rule variant.
   */
  public static AuthResult authorize(Pdu event, Map<StateKey, Pdu> authState) {
    throw new UnsupportedOperationException("TODO(#2): auth rules");
  }

  /**
   * The state slots whose current events an event of this shape must cite in {@code auth_events}: the create event
   * (not in room version 12), power levels, the sender's membership, and for membership events the target's
   * membership, join rules, the third-party invite and the authorising user's membership.
   */
  public static Set<StateKey> authEventTypes(Pdu event) {
    throw new UnsupportedOperationException("TODO(#2): auth events selection");
  }
}
