package dev.larch.core.state;

import java.util.Collection;
import java.util.Set;

/**
 * Port: the auth chain of a set of events, so that storage can answer from an index instead of walking events.
 *
 * <p>Spec: room versions, state resolution v2, "Auth chain": the events reachable from an event by following its
 * {@code auth_events}, recursively.
 */
@FunctionalInterface
public interface AuthChainSource {
  /**
   * The union of the auth chains of these events: every event reachable from them along {@code auth_events}, one or
   * more steps away. A given event is in the answer only if another given event (or one of their auth events) names
   * it. An event this server does not have ends the walk on that path; its ID is still in the answer.
   */
  Set<String> authChain(Collection<String> eventIds);

  /** The default source: walks {@code auth_events} through {@code events}, remembering each event's edges. */
  static AuthChainSource walking(EventSource events) {
    return new WalkingAuthChainSource(events);
  }
}
