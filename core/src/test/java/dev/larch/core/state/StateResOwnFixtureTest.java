package dev.larch.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.event.StateKey;
import dev.larch.core.state.StateResFixtures.Room;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Larch's own state resolution cases ({@code state-res/own/cases.json}, explained in that folder's README), run the
 * same ways as the shared fixtures: batch cases iteratively, by batch and atomically, state-map cases directly.
 */
class StateResOwnFixtureTest {

  static Stream<Arguments> cases() {
    JsonNode cases = StateResFixtures.read("own/cases.json");
    return StreamSupport.stream(cases.spliterator(), false).map(c -> Arguments.of(c.get("name").asText(), c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void ownCase_givesExpectedState(String name, JsonNode spec) {
    JsonNode want = StateResFixtures.read(spec.get("expected").asText());
    if ("batches".equals(spec.get("kind").asText())) {
      Room room = StateResFixtures.room(texts(spec.get("files")));
      StateResFixtureTest.assertRendered(want, StateResFixtures.iteratively(room), room, name + " iteratively");
      StateResFixtureTest.assertRendered(want, StateResFixtures.byBatch(room), room, name + " by batch");
      StateResFixtureTest.assertRendered(want, StateResFixtures.atomically(room), room, name + " atomically");
    } else {
      Room room = StateResFixtures.room(List.of(spec.get("pdus").asText()));
      List<Map<StateKey, String>> stateSets = new ArrayList<>();
      for (String state : texts(spec.get("states"))) {
        stateSets.add(StateResFixtures.stateMap(state, room));
      }
      StateResFixtureTest.assertRendered(want, StateResFixtures.resolve(room, stateSets), room, name);
      // The order of the maps must not matter.
      List<Map<StateKey, String>> reversed = new ArrayList<>(stateSets);
      Collections.reverse(reversed);
      assertEquals(StateResFixtures.resolve(room, stateSets), StateResFixtures.resolve(room, reversed), name);
    }
  }

  private static List<String> texts(JsonNode array) {
    assertTrue(array != null && array.isArray(), "malformed case: " + array);
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }
}
