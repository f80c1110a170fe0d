package dev.larch.core.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.id.UserId;
import dev.larch.core.room.RoomVersion;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Rule 10 of the authorization rules (rule 9 in room versions 6–11): {@code m.room.power_levels} events.
 *
 * <p>Spec: room versions, "Authorization rules". Version differences: values must be JSON integers from v10
 * (10.1, 10.2), before that {@code users} values may be integer strings (v1–9) or floats (v1–5); changes to
 * {@code notifications} are limited from v6; v12 forbids the room creators in {@code users} (10.4) and gives them
 * infinite power. "Current value" is read from the room's previous power levels event, "new value" from this one;
 * values that do not parse count as absent, so comparing {@code "50"} with {@code 50} is no change.
 */
final class PowerLevelsRules {
  private PowerLevelsRules() {}

  static AuthResult authorize(Pdu event, RoomAuthState state) {
    RoomVersion version = state.roomVersion();
    ObjectNode content = event.content();
    if (version.integerOnlyPowerLevels()) {
      // 10.1 (v10+) If any of users_default, events_default, state_default, ban, redact, kick or invite is present
      // and not an integer, reject.
      for (String key : PowerLevels.NAMED_LEVELS) {
        JsonNode value = content.get(key);
        if (value != null && PowerLevels.parseLevel(value, version).isEmpty()) {
          return AuthResult.rejected("10.1: " + key + " is not an integer");
        }
      }
      // 10.2 (v10+) If events or notifications is present and not an object with integer values, reject.
      for (String key : new String[] {"events", "notifications"}) {
        JsonNode value = content.get(key);
        if (value != null && !isLevelObject(value, version)) {
          return AuthResult.rejected("10.2: " + key + " is not an object of integers");
        }
      }
    } else if (version.acceptsFloatPowerLevels() && hasFloatOutOfRange(content)) {
      // v1–5 accept floats, but "values outside the range represented by IEEE754 binary64 cause the power level
      // event to be rejected".
      return AuthResult.rejected("10: a float power level is outside the range of a double");
    }
    // 10.3 If users is not an object with keys that are valid user IDs and values that are integers (v1–9: or
    // integer strings), reject. An absent users property is an empty one.
    JsonNode users = content.get("users");
    if (users != null) {
      if (!users.isObject()) {
        return AuthResult.rejected("10.3: users is not an object");
      }
      for (Map.Entry<String, JsonNode> entry : users.properties()) {
        if (!UserId.isValid(entry.getKey())) {
          return AuthResult.rejected("10.3: users key is not a valid user ID");
        }
        if (PowerLevels.parseLevel(entry.getValue(), version).isEmpty()) {
          return AuthResult.rejected("10.3: users value is not an integer");
        }
      }
    }
    // 10.4 (v12) If users contains a room creator (the create event's sender or additional_creators), reject.
    if (version.privilegedCreators() && users != null) {
      for (String creator : CreateRules.creators(state.create())) {
        if (users.has(creator)) {
          return AuthResult.rejected("10.4: users names a room creator");
        }
      }
    }
    // 10.5 If there is no previous m.room.power_levels event in the room, allow.
    if (state.powerLevelsEvent().isEmpty()) {
      return AuthResult.ALLOWED;
    }
    ObjectNode current = state.powerLevelsEvent().get().content();
    long senderLevel = state.powerLevels().userLevel(event.sender());
    // 10.6 For users_default, events_default, state_default, ban, redact, kick and invite: for each alteration,
    // reject if the current or the new value is above the sender's level.
    Map<String, Long> currentNamed = PowerLevels.namedLevels(current, version);
    Map<String, Long> newNamed = PowerLevels.namedLevels(content, version);
    for (String key : PowerLevels.NAMED_LEVELS) {
      Long was = currentNamed.get(key);
      Long now = newNamed.get(key);
      if (was == null ? now == null : was.equals(now)) {
        continue;
      }
      if (was != null && was > senderLevel) {
        return AuthResult.rejected("10.6.1: current " + key + " is above the sender's level");
      }
      if (now != null && now > senderLevel) {
        return AuthResult.rejected("10.6.2: new " + key + " is above the sender's level");
      }
    }
    // 10.7 and 10.8 for events, and (v6+) for notifications.
    AuthResult events = checkEntries("events", current, content, version, senderLevel);
    if (!events.isAllowed()) {
      return events;
    }
    if (version.limitsNotificationsPowerLevels()) {
      AuthResult notifications = checkEntries("notifications", current, content, version, senderLevel);
      if (!notifications.isAllowed()) {
        return notifications;
      }
    }
    // 10.9 and 10.10 for users.
    Map<String, Long> currentUsers = PowerLevels.levels(current.get("users"), version);
    Map<String, Long> newUsers = PowerLevels.levels(users, version);
    for (String user : union(currentUsers, newUsers)) {
      Long was = currentUsers.get(user);
      Long now = newUsers.get(user);
      if (was == null ? now == null : was.equals(now)) {
        continue;
      }
      // 10.9 For each entry changed or removed, other than the sender's own: reject if the current value is
      // greater than or equal to the sender's level.
      if (was != null && !user.equals(event.sender()) && was >= senderLevel) {
        return AuthResult.rejected("10.9: changes a user whose level is not below the sender's");
      }
      // 10.10 For each entry added or changed: reject if the new value is greater than the sender's level.
      if (now != null && now > senderLevel) {
        return AuthResult.rejected("10.10: gives a user a level above the sender's");
      }
    }
    // 10.11 Otherwise, allow.
    return AuthResult.ALLOWED;
  }

  // 10.7: an entry changed or removed must have had a current value no greater than the sender's level; 10.8: an
  // entry added or changed must get a new value no greater than the sender's level.
  private static AuthResult checkEntries(
      String property, ObjectNode current, ObjectNode content, RoomVersion version, long senderLevel) {
    Map<String, Long> was = PowerLevels.levels(current.get(property), version);
    Map<String, Long> now = PowerLevels.levels(content.get(property), version);
    for (String key : union(was, now)) {
      Long before = was.get(key);
      Long after = now.get(key);
      if (before == null ? after == null : before.equals(after)) {
        continue;
      }
      if (before != null && before > senderLevel) {
        return AuthResult.rejected("10.7: changes " + property + " entry above the sender's level");
      }
      if (after != null && after > senderLevel) {
        return AuthResult.rejected("10.8: sets " + property + " entry above the sender's level");
      }
    }
    return AuthResult.ALLOWED;
  }

  private static boolean isLevelObject(JsonNode value, RoomVersion version) {
    if (!value.isObject()) {
      return false;
    }
    for (JsonNode entry : value) {
      if (PowerLevels.parseLevel(entry, version).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasFloatOutOfRange(ObjectNode content) {
    for (String key : PowerLevels.NAMED_LEVELS) {
      JsonNode value = content.get(key);
      if (value != null && PowerLevels.isOutOfDoubleRange(value)) {
        return true;
      }
    }
    for (String key : new String[] {"users", "events", "notifications"}) {
      JsonNode object = content.get(key);
      if (object != null && object.isObject()) {
        for (JsonNode value : object) {
          if (PowerLevels.isOutOfDoubleRange(value)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static Set<String> union(Map<String, Long> a, Map<String, Long> b) {
    Set<String> keys = new LinkedHashSet<>(a.keySet());
    keys.addAll(b.keySet());
    return keys;
  }
}
