package dev.larch.core.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.RoomVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Loads the state resolution fixtures under {@code /state-res/} (see its README) and resolves them the three ways the
 * README names for batch cases: iteratively, by batch and atomically.
 */
final class StateResFixtures {
  private static final String ROOT = "/state-res/";

  /** The PDUs of some fixture files, in file order, with the room version of the first file's create event. */
  record Room(RoomVersion version, List<List<Pdu>> batches, Map<String, Pdu> byId) {
    EventSource source() {
      return EventSource.of(byId);
    }

    List<Pdu> all() {
      List<Pdu> all = new ArrayList<>();
      batches.forEach(all::addAll);
      return all;
    }
  }

  private StateResFixtures() {}

  /** Reads fixture files (paths relative to {@code /state-res/}) as one room. */
  static Room room(List<String> files) {
    List<ArrayNode> arrays = new ArrayList<>();
    for (String file : files) {
      arrays.add((ArrayNode) read(file));
    }
    RoomVersion version = null;
    for (JsonNode pdu : arrays.get(0)) {
      if ("m.room.create".equals(pdu.path("type").asText())) {
        String identifier = pdu.path("content").path("room_version").asText("1");
        version = RoomVersion.byIdentifier(identifier).orElseThrow();
        break;
      }
    }
    if (version == null) {
      throw new IllegalArgumentException("no create event in " + files.get(0));
    }
    List<List<Pdu>> batches = new ArrayList<>();
    Map<String, Pdu> byId = new LinkedHashMap<>();
    for (ArrayNode array : arrays) {
      List<Pdu> batch = new ArrayList<>();
      for (JsonNode node : array) {
        ObjectNode json = (ObjectNode) node;
        Pdu pdu = new Pdu(version, json, json.get("event_id").asText());
        batch.add(pdu);
        byId.put(pdu.eventId(), pdu);
      }
      batches.add(batch);
    }
    return new Room(version, batches, byId);
  }

  /** A state map file: an array of event IDs, keyed by their events' (type, state_key). */
  static Map<StateKey, String> stateMap(String file, Room room) {
    Map<StateKey, String> state = new HashMap<>();
    for (JsonNode id : read(file)) {
      Pdu pdu = room.byId().get(id.asText());
      state.put(pdu.stateSlot().orElseThrow(), pdu.eventId());
    }
    return state;
  }

  static JsonNode read(String file) {
    try (InputStream in = StateResFixtures.class.getResourceAsStream(ROOT + file)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + ROOT + file);
      }
      return JsonMapper.shared().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The expected file's array, by case name under {@code expected/}. */
  static JsonNode expected(String name) {
    return read("expected/" + name + ".json");
  }

  /** A resolved state in the shape of the expected files: {type, state_key, event_id, content} by (type, key). */
  static JsonNode render(Map<StateKey, String> state, Room room) {
    ArrayNode array = JsonMapper.shared().createArrayNode();
    for (Map.Entry<StateKey, String> entry : new TreeMap<>(state).entrySet()) {
      ObjectNode row = array.addObject();
      row.put("type", entry.getKey().type());
      row.put("state_key", entry.getKey().stateKey());
      row.put("event_id", entry.getValue());
      Pdu pdu = room.byId().get(entry.getValue());
      row.set("content", pdu == null ? JsonMapper.shared().createObjectNode() : pdu.content());
    }
    return array;
  }

  /** Resolves state maps with every PDU of the room available. */
  static Map<StateKey, String> resolve(Room room, List<Map<StateKey, String>> stateSets) {
    return StateResolver.resolve(room.version(), stateSets, room.source());
  }

  /**
   * Method 1, iteratively: walks the DAG forward along prev_events; the state before a PDU is the resolution of the
   * states after its prev_events, the state after it adds the PDU; the result resolves the states after the leaves.
   */
  static Map<StateKey, String> iteratively(Room room) {
    EventSource source = room.source();
    AuthChainSource chains = AuthChainSource.walking(source);
    Map<String, Map<StateKey, String>> after = new HashMap<>();
    Set<String> named = new HashSet<>();
    for (Pdu pdu : topologicalOrder(room)) {
      List<Map<StateKey, String>> before = new ArrayList<>();
      for (String prev : pdu.prevEventIds()) {
        if (after.containsKey(prev)) {
          before.add(after.get(prev));
          named.add(prev);
        }
      }
      Map<StateKey, String> state = new HashMap<>(StateResolver.resolve(room.version(), before, source, chains));
      pdu.stateSlot().ifPresent(slot -> state.put(slot, pdu.eventId()));
      after.put(pdu.eventId(), state);
    }
    List<Map<StateKey, String>> leaves = new ArrayList<>();
    for (Pdu pdu : room.all()) {
      if (!named.contains(pdu.eventId())) {
        leaves.add(after.get(pdu.eventId()));
      }
    }
    return StateResolver.resolve(room.version(), leaves, source, chains);
  }

  /** Method 2, by batch: each file resolved with the result so far and one single-entry map per PDU of the file. */
  static Map<StateKey, String> byBatch(Room room) {
    Map<StateKey, String> soFar = null;
    for (List<Pdu> batch : room.batches()) {
      List<Map<StateKey, String>> stateSets = new ArrayList<>();
      if (soFar != null) {
        stateSets.add(soFar);
      }
      stateSets.addAll(singleEntryMaps(batch));
      soFar = resolve(room, stateSets);
    }
    return soFar;
  }

  /** Method 3, atomically: method 2 with every file as one batch and no prior result. */
  static Map<StateKey, String> atomically(Room room) {
    return resolve(room, singleEntryMaps(room.all()));
  }

  static List<Map<StateKey, String>> singleEntryMaps(List<Pdu> pdus) {
    List<Map<StateKey, String>> maps = new ArrayList<>();
    for (Pdu pdu : pdus) {
      maps.add(Map.of(pdu.stateSlot().orElseThrow(), pdu.eventId()));
    }
    return maps;
  }

  // Kahn's algorithm over prev_events, ties in file order, so parents always come before children.
  private static List<Pdu> topologicalOrder(Room room) {
    List<Pdu> all = room.all();
    Map<String, Integer> waiting = new HashMap<>();
    Map<String, List<Pdu>> children = new HashMap<>();
    for (Pdu pdu : all) {
      int count = 0;
      for (String prev : pdu.prevEventIds()) {
        if (room.byId().containsKey(prev)) {
          count++;
          children.computeIfAbsent(prev, k -> new ArrayList<>()).add(pdu);
        }
      }
      waiting.put(pdu.eventId(), count);
    }
    Deque<Pdu> ready = new ArrayDeque<>();
    for (Pdu pdu : all) {
      if (waiting.get(pdu.eventId()) == 0) {
        ready.add(pdu);
      }
    }
    List<Pdu> order = new ArrayList<>();
    while (!ready.isEmpty()) {
      Pdu next = ready.poll();
      order.add(next);
      for (Pdu child : children.getOrDefault(next.eventId(), List.of())) {
        if (waiting.merge(child.eventId(), -1, Integer::sum) == 0) {
          ready.add(child);
        }
      }
    }
    return order;
  }
}
