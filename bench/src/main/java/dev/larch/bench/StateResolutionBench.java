package dev.larch.bench;

import dev.larch.core.event.StateKey;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.state.AuthChainSource;
import dev.larch.core.state.EventSource;
import dev.larch.core.state.GeneratedRoom;
import dev.larch.core.state.StateResolver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * State resolution of a room with 10,000 state entries and 1,000 conflicted events between two branches
 * ({@link GeneratedRoom}), with state res v2 (room version 10) and v2.1 (room version 12).
 *
 * <p>{@code cachedAuthChains} keeps one auth-chain walker for the room, as storage does; {@code coldAuthChains}
 * builds a new one per resolution, the worst case.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class StateResolutionBench {
  @Param({"10", "12"})
  public String roomVersion;

  private RoomVersion version;
  private List<Map<StateKey, String>> stateSets;
  private EventSource events;
  private AuthChainSource authChains;

  @Setup
  public void setUp() {
    version = RoomVersion.byIdentifier(roomVersion).orElseThrow();
    GeneratedRoom room = new GeneratedRoom(version);
    stateSets = List.of(room.branchA, room.branchB);
    events = EventSource.of(room.events);
    authChains = AuthChainSource.walking(events);
    String winner = StateResolver.resolve(version, stateSets, events, authChains)
        .get(StateKey.of("m.room.power_levels", ""));
    if (!room.demotion.equals(winner)) {
      throw new IllegalStateException("benchmark room resolves wrongly: " + winner);
    }
  }

  @Benchmark
  public Map<StateKey, String> cachedAuthChains() {
    return StateResolver.resolve(version, stateSets, events, authChains);
  }

  @Benchmark
  public Map<StateKey, String> coldAuthChains() {
    return StateResolver.resolve(version, stateSets, events, AuthChainSource.walking(events));
  }
}
