package dev.larch.core.room;

/**
 * How this server judged a stored event. Spec: server-server API, "Checks performed on receipt of a PDU",
 * "Rejection", "Soft failure"; an outlier is an event stored without the state before it (Synapse's term).
 *
 * @param outlier stored for auth chains or federation answers only: no state, no stream position, not in the DAG
 *     walk of extremities
 * @param softFailed passed auth against its own state but not against current state: kept in the DAG, never shown
 *     to clients, never a forward extremity
 * @param rejectedReason why the event failed auth, or null if it did not; rejected events change no state
 */
public record EventStatus(boolean outlier, boolean softFailed, String rejectedReason) {
  /** An accepted event in the room's timeline. */
  public static final EventStatus ACCEPTED = new EventStatus(false, false, null);

  /** An event stored without its state. */
  public static final EventStatus OUTLIER = new EventStatus(true, false, null);

  /** An event that passed auth but failed the soft-fail check against current state. */
  public static final EventStatus SOFT_FAILED = new EventStatus(false, true, null);

  public static EventStatus rejected(String reason) {
    return new EventStatus(false, false, reason == null ? "rejected" : reason);
  }

  public boolean rejected() {
    return rejectedReason != null;
  }

  /** Whether clients may see the event (it is neither outlier, rejected nor soft-failed). */
  public boolean visibleToClients() {
    return !outlier && !softFailed && rejectedReason == null;
  }
}
