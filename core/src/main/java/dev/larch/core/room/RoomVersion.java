package dev.larch.core.room;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Room versions 1 to 12 as data: each version is a row of flags, and code asks the flag, never the version number.
 *
 * <p>Spec: "Room versions" (v1.16), one page per version. The columns:
 *
 * <ul>
 *   <li>{@link EventIdFormat}: v1–2 {@code $local:server} carried in the event; v3 unpadded standard base64 of the
 *       reference hash; v4+ the URL-safe alphabet.
 *   <li>{@link StateResAlgorithm}: v1 for room version 1, v2 for 2–11, v2.1 (MSC4297) for 12.
 *   <li>{@link RedactionAlgorithm}: which keys survive redaction (v1; v6 drops {@code m.room.aliases}; v8 keeps
 *       {@code allow}; v9 keeps {@code join_authorised_via_users_server}; v11 the MSC2176/MSC3821/MSC3989 rules).
 * </ul>
 */
public enum RoomVersion {
  V1("1", EventIdFormat.V1_LOCAL, StateResAlgorithm.V1, RedactionAlgorithm.V1, 1),
  V2("2", EventIdFormat.V1_LOCAL, StateResAlgorithm.V2, RedactionAlgorithm.V1, 2),
  V3("3", EventIdFormat.V3_BASE64, StateResAlgorithm.V2, RedactionAlgorithm.V1, 3),
  V4("4", EventIdFormat.V4_URL_SAFE, StateResAlgorithm.V2, RedactionAlgorithm.V1, 4),
  V5("5", EventIdFormat.V4_URL_SAFE, StateResAlgorithm.V2, RedactionAlgorithm.V1, 5),
  V6("6", EventIdFormat.V4_URL_SAFE, StateResAlgorithm.V2, RedactionAlgorithm.V6, 6),
  V7("7", EventIdFormat.V4_URL_SAFE, StateResAlgorithm.V2, RedactionAlgorithm.V6, 7),
  V8("8", EventIdFormat.V4_URL_SAFE, StateResAlgorithm.V2, RedactionAlgorithm.V8, 8),
  V9("9", EventIdFormat.V4_URL_SAFE, StateResAlgorithm.V2, RedactionAlgorithm.V9, 9),
  V10("10", EventIdFormat.V4_URL_SAFE, StateResAlgorithm.V2, RedactionAlgorithm.V9, 10),
  V11("11", EventIdFormat.V4_URL_SAFE, StateResAlgorithm.V2, RedactionAlgorithm.V11, 11),
  V12("12", EventIdFormat.V4_URL_SAFE, StateResAlgorithm.V2_1, RedactionAlgorithm.V11, 12);

  /** The version new rooms get when the client names none (the spec's recommended default). */
  public static final RoomVersion DEFAULT = V10;

  /** How event IDs are formed. */
  public enum EventIdFormat {
    /** {@code $opaque:server}, chosen by the origin and carried in the event's {@code event_id}. */
    V1_LOCAL,
    /** {@code $} + unpadded standard base64 of the reference hash. */
    V3_BASE64,
    /** {@code $} + unpadded URL-safe base64 of the reference hash. */
    V4_URL_SAFE
  }

  /** The state resolution algorithm. */
  public enum StateResAlgorithm {
    V1,
    V2,
    /** State resolution v2.1 (MSC4297): starts from the empty set and includes the conflicted state subgraph. */
    V2_1
  }

  /** The redaction algorithm variant. */
  public enum RedactionAlgorithm {
    V1,
    V6,
    V8,
    V9,
    V11
  }

  private final String identifier;
  private final EventIdFormat eventIdFormat;
  private final StateResAlgorithm stateResAlgorithm;
  private final RedactionAlgorithm redactionAlgorithm;
  private final int number;

  RoomVersion(
      String identifier,
      EventIdFormat eventIdFormat,
      StateResAlgorithm stateResAlgorithm,
      RedactionAlgorithm redactionAlgorithm,
      int number) {
    this.identifier = identifier;
    this.eventIdFormat = eventIdFormat;
    this.stateResAlgorithm = stateResAlgorithm;
    this.redactionAlgorithm = redactionAlgorithm;
    this.number = number;
  }

  /** The version string as it appears in {@code m.room.create} content, e.g. {@code "10"}. */
  public String identifier() {
    return identifier;
  }

  public EventIdFormat eventIdFormat() {
    return eventIdFormat;
  }

  public StateResAlgorithm stateResAlgorithm() {
    return stateResAlgorithm;
  }

  public RedactionAlgorithm redactionAlgorithm() {
    return redactionAlgorithm;
  }

  /** Events carry their own {@code event_id}, and prev/auth events are {@code [id, {hashes}]} pairs (v1–2). */
  public boolean eventsCarryIds() {
    return eventIdFormat == EventIdFormat.V1_LOCAL;
  }

  /** Server signing keys must be valid ({@code valid_until_ts}) at the event's origin_server_ts (v5+). */
  public boolean enforcesKeyValidity() {
    return number >= 5;
  }

  /** {@code m.room.aliases} has its own auth rule (v1–5). */
  public boolean specialCasesAliasesAuth() {
    return number <= 5;
  }

  /**
   * {@code m.room.redaction} has its own auth rule: allowed at the redact level or when the redacted event's ID has
   * the redaction's event ID domain (v1–2). From v3 the auth rules treat redactions like any event and the check
   * moves to the moment the redaction is applied ("Handling redactions").
   */
  public boolean hasRedactionAuthRule() {
    return number <= 2;
  }

  /** Power level values may be JSON floats, truncated towards zero (v1–5, which predate strict canonical JSON). */
  public boolean acceptsFloatPowerLevels() {
    return number <= 5;
  }

  /** Canonical JSON is enforced strictly: integers only within ±(2^53−1), no floats (v6+). */
  public boolean strictCanonicalJson() {
    return number >= 6;
  }

  /** The {@code notifications} key of power levels is checked when power levels change (v6+). */
  public boolean limitsNotificationsPowerLevels() {
    return number >= 6;
  }

  /** The {@code knock} membership and join rule exist (v7+). */
  public boolean supportsKnocking() {
    return number >= 7;
  }

  /** The {@code restricted} join rule exists (v8+). */
  public boolean supportsRestrictedJoins() {
    return number >= 8;
  }

  /** The {@code knock_restricted} join rule exists (v10+). */
  public boolean supportsKnockRestricted() {
    return number >= 10;
  }

  /** Power level values must be JSON integers, not strings (v10+). */
  public boolean integerOnlyPowerLevels() {
    return number >= 10;
  }

  /** The room creator is the create event's sender; {@code content.creator} is gone (v11+). */
  public boolean implicitRoomCreator() {
    return number >= 11;
  }

  /** {@code redacts} is a content key of {@code m.room.redaction} rather than a top-level key (v11+). */
  public boolean redactsInContent() {
    return number >= 11;
  }

  /**
   * The room ID is {@code !} + the create event's reference hash, the create event carries no room_id and is not
   * listed in auth_events, and the creators (sender and {@code additional_creators}) have infinite power (v12).
   */
  public boolean privilegedCreators() {
    return number >= 12;
  }

  /** The numeric order of versions, for "at least" comparisons in tests and tables. */
  public int number() {
    return number;
  }

  /** Every version this server supports, in order. */
  public static List<RoomVersion> all() {
    return List.of(values());
  }

  /** The version with this identifier, if supported. */
  public static Optional<RoomVersion> byIdentifier(String identifier) {
    return Arrays.stream(values()).filter(v -> v.identifier.equals(identifier)).findFirst();
  }
}
