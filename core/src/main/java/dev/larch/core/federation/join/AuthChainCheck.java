package dev.larch.core.federation.join;

import dev.larch.core.auth.AuthResult;
import dev.larch.core.auth.AuthRules;
import dev.larch.core.event.Pdu;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checks a set of received events against their own auth events, each after the auth events it cites (topological
 * order of {@code auth_events}). Spec: server-server API, "Checks performed on receipt of a PDU", step 4 ("passes
 * authorization rules based on the event's auth events"), and rule 3.3: an event citing a rejected auth event is
 * rejected.
 *
 * <p>An event whose auth events are neither among the set nor already held is rejected too: the caller asked for the
 * whole chain (a {@code send_join} answer carries it) or could fetch nothing more.
 */
final class AuthChainCheck {
  private AuthChainCheck() {}

  /**
   * @param events the received events, by event ID
   * @param held events this server already stored and accepted, by event ID (auth events outside the set)
   * @param create the room's create event, which room version 12 auth rules read though no event cites it
   * @return the events that failed, event ID to reason, in the order they were judged; empty if all passed
   */
  static Map<String, String> check(Map<String, Pdu> events, Function<String, Optional<Pdu>> held, Pdu create) {
    // Kahn's algorithm over the auth_events edges inside the set; ties by depth, then event ID, for a stable order.
    Map<String, Integer> pending = new HashMap<>();
    Map<String, List<String>> dependents = new HashMap<>();
    for (Pdu event : events.values()) {
      int inside = 0;
      for (String authId : event.authEventIds()) {
        if (events.containsKey(authId) && !authId.equals(event.eventId())) {
          inside++;
          dependents.computeIfAbsent(authId, k -> new ArrayList<>()).add(event.eventId());
        }
      }
      pending.put(event.eventId(), inside);
    }
    Comparator<Pdu> order = Comparator.comparingLong(Pdu::depth).thenComparing(Pdu::eventId);
    List<Pdu> ready = new ArrayList<>();
    pending.forEach((id, count) -> {
      if (count == 0) {
        ready.add(events.get(id));
      }
    });
    ready.sort(order);
    Deque<Pdu> queue = new ArrayDeque<>(ready);
    Map<String, String> rejected = new LinkedHashMap<>();
    int judged = 0;
    while (!queue.isEmpty()) {
      Pdu event = queue.removeFirst();
      judged++;
      String reason = judge(event, events, held, create, rejected);
      if (reason != null) {
        rejected.put(event.eventId(), reason);
      }
      List<Pdu> unlocked = new ArrayList<>();
      for (String dependent : dependents.getOrDefault(event.eventId(), List.of())) {
        if (pending.merge(dependent, -1, Integer::sum) == 0) {
          unlocked.add(events.get(dependent));
        }
      }
      unlocked.sort(order);
      queue.addAll(unlocked);
    }
    if (judged < events.size()) {
      for (Map.Entry<String, Integer> entry : pending.entrySet()) {
        if (entry.getValue() > 0) {
          rejected.put(entry.getKey(), "its auth events form a cycle");
        }
      }
    }
    return rejected;
  }

  private static String judge(Pdu event, Map<String, Pdu> events, Function<String, Optional<Pdu>> held, Pdu create,
      Map<String, String> rejected) {
    List<Pdu> authEvents = new ArrayList<>();
    for (String authId : event.authEventIds()) {
      if (rejected.containsKey(authId)) {
        return "3.3: auth event " + authId + " was rejected";
      }
      Pdu authEvent = events.get(authId);
      if (authEvent == null) {
        authEvent = held.apply(authId).orElse(null);
      }
      if (authEvent == null) {
        return "auth event " + authId + " is missing";
      }
      authEvents.add(authEvent);
    }
    AuthResult result = AuthRules.authorizeWithAuthEvents(event, authEvents, create);
    return result instanceof AuthResult.Rejected r ? r.reason() : null;
  }
}
