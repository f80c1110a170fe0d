package dev.larch.core.state;

import dev.larch.core.event.StateKey;
import dev.larch.core.room.RoomVersion;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Resolves several room states into one with the state resolution algorithm the room version names.
 *
 * <p>Spec: server-server API, "Room State Resolution"; room version 1, "State resolution" (v1); room version 2,
 * "State resolution" (v2, room versions 2–11); room version 12, "State resolution" (v2.1, MSC4297).
 *
 * <p>Input and output are state maps from (type, state_key) to event ID. The events themselves come through the
 * {@link EventSource} port and auth chains through the {@link AuthChainSource} port, so storage can answer from its
 * own tables and caches; {@link AuthChainSource#walking} is the default, walking {@code auth_events}. The result
 * depends only on the set of maps and the events, never on the order of the maps, of their entries or of anything
 * the ports return. It is deterministic and the resolver keeps no state between calls; it is pure CPU work, so call
 * it off the event loop.
 */
public final class StateResolver {
  private StateResolver() {}

  /**
   * Resolves {@code stateSets} (the states after each of an event's {@code prev_events}, for instance).
   *
   * @param version the room's version, which picks v1, v2 or v2.1
   * @param stateSets the state maps to resolve, (type, state_key) → event ID; none gives an empty state and one is
   *     returned as it is
   * @param events every event the maps name and every event of their auth chains that this server has
   * @param authChains the auth chains of those events
   * @return the resolved state map, unmodifiable
   */
  public static Map<StateKey, String> resolve(
      RoomVersion version,
      List<? extends Map<StateKey, String>> stateSets,
      EventSource events,
      AuthChainSource authChains) {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(authChains, "authChains");
    if (stateSets.isEmpty()) {
      return Map.of();
    }
    if (stateSets.size() == 1) {
      return Collections.unmodifiableMap(new HashMap<>(stateSets.get(0)));
    }
    ResolutionEvents resolutionEvents = new ResolutionEvents(version, events);
    Map<StateKey, String> resolved =
        switch (version.stateResAlgorithm()) {
          case V1 -> StateResolverV1.resolve(stateSets, resolutionEvents);
          case V2, V2_1 -> StateResolverV2.resolve(
              stateSets, resolutionEvents, authChains, version.stateResAlgorithm());
        };
    return Collections.unmodifiableMap(resolved);
  }

  /** {@link #resolve(RoomVersion, List, EventSource, AuthChainSource)} with auth chains walked through {@code events}. */
  public static Map<StateKey, String> resolve(
      RoomVersion version, List<? extends Map<StateKey, String>> stateSets, EventSource events) {
    return resolve(version, stateSets, events, AuthChainSource.walking(events));
  }
}
