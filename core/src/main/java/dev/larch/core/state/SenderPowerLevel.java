package dev.larch.core.state;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.room.RoomVersion;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * The power level of an event's sender "when looking at their respective {@code auth_events}", as the reverse
 * topological power ordering needs it.
 *
 * <p>Spec: room versions, state resolution v2, "Reverse topological power ordering"; the power levels rules of the
 * auth rules ("power levels are inferred from defaults"); room version 12 and MSC4289: room creators have infinite
 * power and so sort first, ahead even of users at the largest integer level; room versions 1–9, stringy and (1–5)
 * floaty power levels.
 */
final class SenderPowerLevel {
  /** The level of a room creator in room version 12: above every integer a power levels event can hold. */
  static final long CREATOR = Long.MAX_VALUE;

  // Room version 1-9 string values: optional whitespace and sign around decimal digits.
  private static final Pattern STRINGY = Pattern.compile("\\s*[+-]?[0-9]+\\s*");
  private static final long MAX_LEVEL = Long.MAX_VALUE - 1;
  private static final BigInteger MAX = BigInteger.valueOf(MAX_LEVEL);
  private static final BigInteger MIN = BigInteger.valueOf(Long.MIN_VALUE);

  private SenderPowerLevel() {}

  /**
   * The sender's level: a room version 12 creator is {@link #CREATOR}; otherwise {@code users[sender]}, else
   * {@code users_default}, else 0 from the cited power levels event; with none cited, 100 for the room creator
   * (before room version 12) and 0 for everyone else.
   */
  static long of(Pdu event, ResolutionEvents events) {
    RoomVersion version = events.version();
    String sender = event.sender();
    if (version.privilegedCreators() && isCreator(sender, events.createEventFor(event), version)) {
      return CREATOR;
    }
    Pdu powerLevels = events.powerLevelsAuthEvent(event.eventId());
    if (powerLevels != null) {
      JsonNode content = powerLevels.content();
      JsonNode users = content.get("users");
      if (sender != null && users != null && users.isObject() && users.has(sender)) {
        Long level = level(users.get(sender), version);
        if (level != null) {
          return level;
        }
      }
      Long usersDefault = level(content.get("users_default"), version);
      return usersDefault != null ? usersDefault : 0L;
    }
    return !version.privilegedCreators() && isCreator(sender, events.createEventFor(event), version) ? 100L : 0L;
  }

  /**
   * Whether {@code user} is a creator of the room of {@code create}: its {@code content.creator} (room versions 1–10),
   * its sender (11), its sender or one of its {@code additional_creators} (12).
   */
  static boolean isCreator(String user, Pdu create, RoomVersion version) {
    if (user == null || create == null) {
      return false;
    }
    if (!version.implicitRoomCreator()) {
      JsonNode creator = create.content().get("creator");
      return creator != null && user.equals(creator.asText(null));
    }
    if (user.equals(create.sender())) {
      return true;
    }
    if (version.privilegedCreators()) {
      JsonNode additional = create.content().get("additional_creators");
      if (additional != null && additional.isArray()) {
        for (JsonNode creator : additional) {
          if (user.equals(creator.asText(null))) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** A power level value, or null if it is not one this room version accepts. */
  static Long level(JsonNode node, RoomVersion version) {
    if (node == null) {
      return null;
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? Math.min(node.longValue(), MAX_LEVEL) : clamp(node.bigIntegerValue());
    }
    if (version.integerOnlyPowerLevels()) {
      return null;
    }
    // Floats were only ever possible where canonical JSON was not enforced; they truncate toward zero.
    if (node.isFloatingPointNumber() && !version.strictCanonicalJson()) {
      return clamp(node.decimalValue().toBigInteger());
    }
    if (node.isTextual() && STRINGY.matcher(node.asText()).matches()) {
      return clamp(new BigInteger(node.asText().trim().replace("+", "")));
    }
    return null;
  }

  // Long.MAX_VALUE is kept for creators, so that a huge stringy level still sorts below them.
  private static long clamp(BigInteger value) {
    return value.max(MIN).min(MAX).longValue();
  }
}
