package dev.larch.core.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.room.RoomVersion;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A room's power levels: the {@code m.room.power_levels} content read with the spec's defaults, plus the room
 * creators' special standing.
 *
 * <p>Spec: client-server API, {@code m.room.power_levels} (defaults: {@code users_default} 0,
 * {@code events_default} 0, {@code state_default} 50, {@code ban}/{@code kick}/{@code redact} 50, {@code invite} 0,
 * {@code notifications.room} 50; with no power levels event at all the creator has 100 and everyone else 0); room
 * versions 1–9, "m.room.power_levels events accept values as strings"; versions 1–5, "... as floats"; room version
 * 12, creators have infinite power.
 *
 * <p>A value that does not parse under the room version's rules counts as absent, so its default applies. (From room
 * version 10 such values cannot reach room state, because the auth rules reject the event.)
 */
public final class PowerLevels {
  /** The power level of room creators in room version 12: "infinitely high". No integer level reaches it. */
  public static final long INFINITE = Long.MAX_VALUE;

  /** The creator's level while the room has no {@code m.room.power_levels} event (room versions 1–11). */
  public static final long CREATOR_WITHOUT_POWER_LEVELS = 100;

  /** The integer-valued top-level properties the auth rules name. */
  static final List<String> NAMED_LEVELS =
      List.of("users_default", "events_default", "state_default", "ban", "redact", "kick", "invite");

  private static final Map<String, Long> NAMED_DEFAULTS =
      Map.of(
          "users_default", 0L,
          "events_default", 0L,
          "state_default", 50L,
          "ban", 50L,
          "redact", 50L,
          "kick", 50L,
          "invite", 0L);
  private static final long NOTIFICATIONS_ROOM_DEFAULT = 50;
  private static final BigDecimal MAX_DOUBLE = BigDecimal.valueOf(Double.MAX_VALUE);
  private static final BigInteger MIN_LONG = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger MAX_LONG = BigInteger.valueOf(Long.MAX_VALUE);
  // Canonical JSON's integer range, which events of room versions 6+ must respect.
  private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

  private final RoomVersion roomVersion;
  private final boolean hasEvent;
  private final Map<String, Long> named;
  private final Map<String, Long> users;
  private final Map<String, Long> events;
  private final Map<String, Long> notifications;
  private final String creatorWithoutPowerLevels;
  private final Set<String> privilegedCreators;

  private PowerLevels(RoomVersion roomVersion, Pdu createEvent, Pdu powerLevelsEvent) {
    this.roomVersion = roomVersion;
    this.hasEvent = powerLevelsEvent != null;
    ObjectNode content = hasEvent ? powerLevelsEvent.content() : null;
    this.named = hasEvent ? namedLevels(content, roomVersion) : Map.of();
    this.users = hasEvent ? levels(content.get("users"), roomVersion) : Map.of();
    this.events = hasEvent ? levels(content.get("events"), roomVersion) : Map.of();
    this.notifications = hasEvent ? levels(content.get("notifications"), roomVersion) : Map.of();
    this.creatorWithoutPowerLevels = createEvent == null ? null : CreateRules.roomCreator(createEvent);
    this.privilegedCreators =
        createEvent != null && roomVersion.privilegedCreators() ? CreateRules.creators(createEvent) : Set.of();
  }

  /**
   * The power levels given by {@code powerLevelsEvent} (null when the room has none) in the room created by
   * {@code createEvent} (null if unknown: then no user counts as a creator).
   */
  public static PowerLevels of(RoomVersion roomVersion, Pdu createEvent, Pdu powerLevelsEvent) {
    return new PowerLevels(Objects.requireNonNull(roomVersion, "roomVersion"), createEvent, powerLevelsEvent);
  }

  /** The power levels of a room whose state (or auth events) is {@code state}. */
  public static PowerLevels fromState(RoomVersion roomVersion, Map<StateKey, Pdu> state) {
    return of(
        roomVersion,
        state.get(StateKey.of(EventTypes.CREATE, "")),
        state.get(StateKey.of(EventTypes.POWER_LEVELS, "")));
  }

  public RoomVersion roomVersion() {
    return roomVersion;
  }

  /** Whether the room has an {@code m.room.power_levels} event (else every level is a default). */
  public boolean hasPowerLevelsEvent() {
    return hasEvent;
  }

  /**
   * The power level of {@code userId}: infinite for a room version 12 creator; with no power levels event, 100 for
   * the creator of versions 1–11 and 0 for others; otherwise the {@code users} entry or {@code users_default}.
   */
  public long userLevel(String userId) {
    if (userId == null) {
      return hasEvent ? usersDefault() : 0;
    }
    if (privilegedCreators.contains(userId)) {
      return INFINITE;
    }
    if (!hasEvent) {
      boolean creator = !roomVersion.privilegedCreators() && Objects.equals(userId, creatorWithoutPowerLevels);
      return creator ? CREATOR_WITHOUT_POWER_LEVELS : 0;
    }
    Long level = users.get(userId);
    return level != null ? level : usersDefault();
  }

  /**
   * The <em>required power level</em> to send an event of {@code eventType}: its {@code events} entry, else
   * {@code state_default} for state events and {@code events_default} for the rest.
   */
  public long requiredLevel(String eventType, boolean stateEvent) {
    Long level = eventType == null ? null : events.get(eventType);
    if (level != null) {
      return level;
    }
    return stateEvent ? stateDefault() : eventsDefault();
  }

  public long usersDefault() {
    return named("users_default");
  }

  public long eventsDefault() {
    return named("events_default");
  }

  public long stateDefault() {
    return named("state_default");
  }

  /** The <em>ban level</em>. */
  public long ban() {
    return named("ban");
  }

  /** The <em>kick level</em>. */
  public long kick() {
    return named("kick");
  }

  /** The <em>redact level</em>. */
  public long redact() {
    return named("redact");
  }

  /** The <em>invite level</em>. */
  public long invite() {
    return named("invite");
  }

  /** The level needed for the notification {@code key}, e.g. {@code room} (default 50) for {@code @room}. */
  public long notificationLevel(String key) {
    Long level = key == null ? null : notifications.get(key);
    if (level != null) {
      return level;
    }
    return "room".equals(key) ? NOTIFICATIONS_ROOM_DEFAULT : 0;
  }

  /** The room version 12 creators (create sender plus {@code additional_creators}); empty in earlier versions. */
  public Set<String> privilegedCreators() {
    return privilegedCreators;
  }

  private long named(String key) {
    Long level = named.get(key);
    return level != null ? level : NAMED_DEFAULTS.get(key);
  }

  /** The valid named levels ({@link #NAMED_LEVELS}) present in {@code content}. */
  static Map<String, Long> namedLevels(ObjectNode content, RoomVersion roomVersion) {
    Map<String, Long> result = new LinkedHashMap<>();
    for (String key : NAMED_LEVELS) {
      OptionalLong level = parseLevel(content.get(key), roomVersion);
      if (level.isPresent()) {
        result.put(key, level.getAsLong());
      }
    }
    return result;
  }

  /** The valid levels of a {@code users}, {@code events} or {@code notifications} object; empty if not an object. */
  static Map<String, Long> levels(JsonNode object, RoomVersion roomVersion) {
    if (object == null || !object.isObject()) {
      return Map.of();
    }
    Map<String, Long> result = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : object.properties()) {
      OptionalLong level = parseLevel(entry.getValue(), roomVersion);
      if (level.isPresent()) {
        result.put(entry.getKey(), level.getAsLong());
      }
    }
    return Collections.unmodifiableMap(result);
  }

  /**
   * A power level value under the room version's rules: a JSON integer; in versions 1–9 also a string holding an
   * integer (optional surrounding whitespace, one optional sign, decimal digits with any leading zeros); in versions
   * 1–5 also a float, truncated towards zero, if within the range of a double. Empty if the value is none of these,
   * does not fit in a long, or (versions 6+) lies outside canonical JSON's ±(2^53−1).
   */
  static OptionalLong parseLevel(JsonNode node, RoomVersion roomVersion) {
    if (node == null) {
      return OptionalLong.empty();
    }
    if (node.isIntegralNumber()) {
      if (!node.canConvertToLong()) {
        return OptionalLong.empty();
      }
      long value = node.longValue();
      // Outside canonical JSON's range an event of v6+ has no valid encoding; refusing it also keeps every
      // integer level below INFINITE.
      boolean inRange = !roomVersion.strictCanonicalJson() || (value >= -MAX_SAFE_INTEGER && value <= MAX_SAFE_INTEGER);
      return inRange ? OptionalLong.of(value) : OptionalLong.empty();
    }
    if (node.isTextual() && !roomVersion.integerOnlyPowerLevels()) {
      return parseIntegerString(node.textValue());
    }
    if (node.isFloatingPointNumber() && roomVersion.acceptsFloatPowerLevels()) {
      return truncateFloat(node);
    }
    return OptionalLong.empty();
  }

  /** Whether {@code node} is a floating point value beyond the range of a double (rejected in versions 1–5). */
  static boolean isOutOfDoubleRange(JsonNode node) {
    if (!node.isFloatingPointNumber()) {
      return false;
    }
    if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
      return true;
    }
    return node.decimalValue().abs().compareTo(MAX_DOUBLE) > 0;
  }

  private static OptionalLong parseIntegerString(String text) {
    String trimmed = text.strip();
    int start = !trimmed.isEmpty() && (trimmed.charAt(0) == '+' || trimmed.charAt(0) == '-') ? 1 : 0;
    if (start == trimmed.length()) {
      return OptionalLong.empty();
    }
    int firstSignificant = start;
    for (int i = start; i < trimmed.length(); i++) {
      char c = trimmed.charAt(i);
      if (c < '0' || c > '9') {
        return OptionalLong.empty();
      }
      if (c == '0' && firstSignificant == i) {
        firstSignificant++;
      }
    }
    // More than 19 significant digits cannot fit in a long; skip parsing an arbitrarily long digit string.
    if (trimmed.length() - firstSignificant > 19) {
      return OptionalLong.empty();
    }
    return toLong(new BigInteger(trimmed));
  }

  private static OptionalLong truncateFloat(JsonNode node) {
    if (isOutOfDoubleRange(node)) {
      return OptionalLong.empty();
    }
    BigDecimal value = node.decimalValue();
    // A magnitude below one truncates to zero. Checking first matters: toBigInteger on a value such as 5e-999999999
    // would compute a power of ten with a billion digits.
    if (value.abs().compareTo(BigDecimal.ONE) < 0) {
      return OptionalLong.of(0);
    }
    // Exponent notation is already applied by the number model; toBigInteger truncates at the decimal point.
    return toLong(value.toBigInteger());
  }

  private static OptionalLong toLong(BigInteger value) {
    if (value.compareTo(MIN_LONG) < 0 || value.compareTo(MAX_LONG) > 0) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(value.longValue());
  }
}
