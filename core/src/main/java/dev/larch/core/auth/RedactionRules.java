package dev.larch.core.auth;

import dev.larch.core.event.Pdu;
import dev.larch.core.id.EventId;
import dev.larch.core.id.ServerName;
import dev.larch.core.id.UserId;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may redact what: rule 11 of the authorization rules of room versions 1–2, and the check that replaces it from
 * room version 3 when a redaction is about to be applied.
 *
 * <p>Spec: room versions 1–2, "Authorization rules" rule 11 (redact level, or the redacted event's {@code event_id}
 * has the redaction's {@code event_id} domain); room versions 3+, "Handling redactions" (the auth rules treat
 * {@code m.room.redaction} like any event; the redaction is applied only if its sender is at the redact level or
 * has the original event's sender's domain).
 */
public final class RedactionRules {
  private RedactionRules() {}

  /** Rule 11 (room versions 1–2), reached only by an {@code m.room.redaction} that passed rules 1–10. */
  static AuthResult authorize(Pdu event, RoomAuthState state) {
    PowerLevels levels = state.powerLevels();
    // 11.1 If the sender's power level is greater than or equal to the redact level, allow.
    if (levels.userLevel(event.sender()) >= levels.redact()) {
      return AuthResult.ALLOWED;
    }
    // 11.2 If the domain of the event_id of the event being redacted is the same as the domain of the event_id of
    // the m.room.redaction, allow.
    if (event.redacts() != null && eventIdDomain(event.eventId()).isPresent()
        && eventIdDomain(event.eventId()).equals(eventIdDomain(event.redacts()))) {
      return AuthResult.ALLOWED;
    }
    // 11.3 Otherwise, reject.
    return AuthResult.rejected("11.3: redaction below the redact level of an event from another server");
  }

  /**
   * Whether {@code redaction} should be applied to {@code redacted}, given the power levels at the redaction: it
   * must name the event and be in its room, and then (room version 3+, "Handling redactions") its sender is at the
   * redact level or has the same domain as the original event's sender. For room versions 1–2 the test is rule 11's
   * (redact level, or same {@code event_id} domain). Both events must already be accepted.
   */
  public static boolean mayApply(Pdu redaction, Pdu redacted, PowerLevels powerLevels) {
    if (!redacted.eventId().equals(redaction.redacts())
        || !Objects.equals(redaction.roomId(), redacted.roomId())) {
      return false;
    }
    if (powerLevels.userLevel(redaction.sender()) >= powerLevels.redact()) {
      return true;
    }
    Optional<ServerName> ours;
    Optional<ServerName> theirs;
    if (redaction.roomVersion().hasRedactionAuthRule()) {
      ours = eventIdDomain(redaction.eventId());
      theirs = eventIdDomain(redacted.eventId());
    } else {
      ours = UserId.tryParse(redaction.sender()).map(UserId::serverName);
      theirs = UserId.tryParse(redacted.sender()).map(UserId::serverName);
    }
    return ours.isPresent() && ours.equals(theirs);
  }

  private static Optional<ServerName> eventIdDomain(String eventId) {
    return EventId.tryParse(eventId).flatMap(EventId::serverName);
  }
}
