package dev.larch.core.state;

import dev.larch.core.auth.AuthRules;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * State resolution v1 (room version 1).
 *
 * <p>Spec: room version 1, "State resolution". The resolved state <i>R</i> is built in passes:
 *
 * <ol>
 *   <li>Start with the union of the states, excluding conflicting events (a conflict is states giving different
 *       event IDs for one key).
 *   <li>If {@code m.room.power_levels} is conflicted: sort its events by ascending {@code depth}, then descending
 *       {@code sha1(event_id)}; add the first to <i>R</i>; add each next one while the authorization rules allow it
 *       in state <i>R</i>, and stop at the first that they do not.
 *   <li>The same for {@code m.room.join_rules}.
 *   <li>The same for each conflicted {@code m.room.member} key (in key order, so the result is deterministic).
 *   <li>For every other conflicted key, pick the event with the highest depth and lowest {@code sha1(event_id)}
 *       that passes the authorization rules in <i>R</i>; if none does, the key stays out of <i>R</i>.
 * </ol>
 *
 * <p>The auth state of a check is <i>R</i>'s events for the slots the auth events selection names. Events the
 * {@link EventSource} does not have cannot be checked and are skipped. The spec warns that this algorithm can reset
 * state; it is kept only for existing version 1 rooms.
 */
final class StateResolverV1 {
  private StateResolverV1() {}

  static Map<StateKey, String> resolve(List<? extends Map<StateKey, String>> stateSets, ResolutionEvents events) {
    // 1. The union of the states without the conflicting events.
    StateConflicts conflicts = StateConflicts.v1(stateSets);
    Map<StateKey, String> resolved = new HashMap<>(conflicts.unconflicted());

    // 2.-4. Keys whose events affect authorization, in the spec's order.
    resolveAuthConflict(ResolutionEvents.POWER_LEVELS, conflicts, resolved, events);
    resolveAuthConflict(ResolutionEvents.JOIN_RULES, conflicts, resolved, events);
    for (StateKey key : conflicts.conflicted().keySet()) {
      if ("m.room.member".equals(key.type())) {
        resolveAuthConflict(key, conflicts, resolved, events);
      }
    }

    // 5. Every other conflict: the deepest event that passes auth in R.
    for (Map.Entry<StateKey, SortedSet<String>> conflict : conflicts.conflicted().entrySet()) {
      StateKey key = conflict.getKey();
      if (key.equals(ResolutionEvents.POWER_LEVELS)
          || key.equals(ResolutionEvents.JOIN_RULES)
          || "m.room.member".equals(key.type())) {
        continue;
      }
      List<Pdu> candidates = ascending(conflict.getValue(), events);
      for (int i = candidates.size() - 1; i >= 0; i--) {
        Pdu candidate = candidates.get(i);
        if (allowed(candidate, resolved, events)) {
          resolved.put(key, candidate.eventId());
          break;
        }
      }
    }
    return resolved;
  }

  private static void resolveAuthConflict(
      StateKey key, StateConflicts conflicts, Map<StateKey, String> resolved, ResolutionEvents events) {
    SortedSet<String> conflicting = conflicts.conflicted().get(key);
    if (conflicting == null) {
      return; // no conflict: the step is skipped
    }
    List<Pdu> candidates = ascending(conflicting, events);
    if (candidates.isEmpty()) {
      return;
    }
    resolved.put(key, candidates.get(0).eventId());
    for (Pdu candidate : candidates.subList(1, candidates.size())) {
      if (!allowed(candidate, resolved, events)) {
        break;
      }
      resolved.put(key, candidate.eventId());
    }
  }

  private static boolean allowed(Pdu event, Map<StateKey, String> resolved, ResolutionEvents events) {
    Map<StateKey, Pdu> authState = new HashMap<>();
    for (StateKey slot : AuthRules.authEventTypes(event)) {
      String id = resolved.get(slot);
      Pdu pdu = id == null ? null : events.get(id);
      if (pdu != null) {
        authState.put(slot, pdu);
      }
    }
    return AuthRules.authorize(event, authState).isAllowed();
  }

  /** The available events, by ascending depth, then descending SHA-1 of the event ID (then event ID, for totality). */
  private static List<Pdu> ascending(SortedSet<String> ids, ResolutionEvents events) {
    List<Pdu> available = new ArrayList<>(ids.size());
    Map<String, byte[]> sha1 = new HashMap<>();
    for (String id : ids) {
      Pdu pdu = events.get(id);
      if (pdu != null) {
        available.add(pdu);
        sha1.put(id, sha1(id));
      }
    }
    available.sort(
        Comparator.comparingLong(Pdu::depth)
            .thenComparing((a, b) -> Arrays.compareUnsigned(sha1.get(b.eventId()), sha1.get(a.eventId())))
            .thenComparing(Pdu::eventId));
    return available;
  }

  private static byte[] sha1(String eventId) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(eventId.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every Java platform", e);
    }
  }
}
