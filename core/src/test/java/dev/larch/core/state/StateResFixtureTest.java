package dev.larch.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.event.StateKey;
import dev.larch.core.state.StateResFixtures.Room;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The shared state resolution fixtures (ruma's suite), case by case as their README's two tables list them. */
class StateResFixtureTest {

  static Stream<Arguments> batchCases() {
    return Stream.of(
        batch("minimal_private_chat", "bootstrap-private-chat"),
        batch("minimal_public_chat", "bootstrap-public-chat"),
        batch("origin_server_ts_tiebreak", "bootstrap-private-chat", "origin-server-ts-tiebreak"),
        batch(
            "ban_vs_power_levels",
            "bootstrap-public-chat",
            "ban-vs-power-levels-alice",
            "ban-vs-power-levels-bob"),
        batch(
            "power_levels_admin_vs_mod",
            "bootstrap-public-chat",
            "power-levels-admin-vs-mod-alice",
            "power-levels-admin-vs-mod-bob"),
        batch(
            "topic_vs_power_levels",
            "bootstrap-public-chat",
            "topic-vs-power-levels-alice",
            "topic-vs-power-levels-bob"),
        batch(
            "topic_vs_ban",
            "bootstrap-public-chat",
            "topic-vs-ban-common",
            "topic-vs-ban-alice",
            "topic-vs-ban-bob"),
        batch(
            "join_rules_vs_join",
            "bootstrap-public-chat",
            "join-rules-vs-join-common",
            "join-rules-vs-join-alice",
            "join-rules-vs-join-ella"),
        batch(
            "concurrent_joins",
            "bootstrap-public-chat",
            "concurrent-joins-charlie",
            "concurrent-joins-ella"));
  }

  static Stream<Arguments> stateMapCases() {
    return Stream.of(
        Arguments.of("msc4297_problem_a_state_res_v2_0", "MSC4297-problem-A", "v11", List.of("bob", "charlie")),
        Arguments.of("msc4297_problem_a_state_res_v2_1", "MSC4297-problem-A", "v12", List.of("bob", "charlie")),
        Arguments.of("msc4297_problem_b_state_res_v2_0", "MSC4297-problem-B", "v11", List.of("eve", "zara")),
        Arguments.of("msc4297_problem_b_state_res_v2_1", "MSC4297-problem-B", "v12", List.of("eve", "zara")));
  }

  @ParameterizedTest(name = "{0} iteratively")
  @MethodSource("batchCases")
  void iteratively_givesExpectedState(String expected, List<String> files) {
    Room room = StateResFixtures.room(files);
    assertState(expected, StateResFixtures.iteratively(room), room);
  }

  @ParameterizedTest(name = "{0} by batch")
  @MethodSource("batchCases")
  void byBatch_givesExpectedState(String expected, List<String> files) {
    Room room = StateResFixtures.room(files);
    assertState(expected, StateResFixtures.byBatch(room), room);
  }

  @ParameterizedTest(name = "{0} atomically")
  @MethodSource("batchCases")
  void atomically_givesExpectedState(String expected, List<String> files) {
    Room room = StateResFixtures.room(files);
    assertState(expected, StateResFixtures.atomically(room), room);
  }

  @ParameterizedTest(name = "{0} three ways agree")
  @MethodSource("batchCases")
  void threeMethods_agree(String expected, List<String> files) {
    Room room = StateResFixtures.room(files);
    Map<StateKey, String> iteratively = StateResFixtures.iteratively(room);
    assertEquals(iteratively, StateResFixtures.byBatch(room), "by batch vs iteratively");
    assertEquals(iteratively, StateResFixtures.atomically(room), "atomically vs iteratively");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stateMapCases")
  void stateMaps_giveExpectedState(String expected, String folder, String pdus, List<String> states) {
    Room room = StateResFixtures.room(List.of("fixtures/" + folder + "/pdus-" + pdus + ".json"));
    List<Map<StateKey, String>> stateSets = new ArrayList<>();
    for (String state : states) {
      stateSets.add(StateResFixtures.stateMap("fixtures/" + folder + "/state-" + state + ".json", room));
    }
    assertState(expected, StateResFixtures.resolve(room, stateSets), room);
  }

  private static Arguments batch(String expected, String... files) {
    List<String> paths = new ArrayList<>();
    for (String file : files) {
      paths.add("fixtures/" + file + ".json");
    }
    return Arguments.of(expected, paths);
  }

  static void assertState(String expected, Map<StateKey, String> actual, Room room) {
    assertRendered(StateResFixtures.expected(expected), actual, room, expected);
  }

  static void assertRendered(JsonNode want, Map<StateKey, String> actual, Room room, String message) {
    JsonNode got = StateResFixtures.render(actual, room);
    assertEquals(want.toPrettyString(), got.toPrettyString(), message);
  }
}
