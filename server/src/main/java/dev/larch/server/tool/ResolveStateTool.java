package dev.larch.server.tool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.EventIds;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.state.AuthChainSource;
import dev.larch.core.state.EventSource;
import dev.larch.core.state.StateResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code resolve-state} tool: resolves room state from PDU files with the room version's state resolution
 * algorithm and prints the resolved state.
 *
 * <p>Spec: room versions 1, 2 and 12, "State resolution". Each {@code --events} file is a JSON array of PDUs; an
 * explicit {@code event_id} is used as the event's ID (as in test fixtures), otherwise the ID is computed for the
 * room version. The room version comes from the first {@code m.room.create} event. With {@code --state} files (JSON
 * arrays of event IDs, each a state map keyed by its events' type and state key), those maps are resolved, with every
 * PDU of the {@code --events} files available. Without, the {@code --events} files are batches in order: each is
 * resolved together with the result so far, one single-entry state map per PDU. The output is a JSON array of
 * {@code {type, state_key, event_id, content}} sorted by (type, state_key). Exit status: 0 on success, 2 on a usage
 * error or unreadable input, with a one-line message on stderr.
 */
public final class ResolveStateTool {
  static final String USAGE =
      "usage: resolve-state --events FILE.json [--events FILE.json ...] [--state FILE.json ...]";
  private static final String NAME = "resolve-state";

  private ResolveStateTool() {}

  /** Runs the tool; {@code in} is not read. */
  public static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
    List<String> eventFiles = new ArrayList<>();
    List<String> stateFiles = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("-h") || arg.equals("--help")) {
        out.println(USAGE);
        return 0;
      }
      int eq = arg.indexOf('=');
      String flag = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
      List<String> target =
          switch (flag) {
            case "--events" -> eventFiles;
            case "--state" -> stateFiles;
            default -> null;
          };
      if (target == null) {
        return fail(err, "unknown argument " + arg + " (" + USAGE + ")");
      }
      if (eq > 0 && flag.length() < arg.length()) {
        target.add(arg.substring(eq + 1));
      } else if (i + 1 < args.size()) {
        target.add(args.get(++i));
      } else {
        return fail(err, flag + " needs a file (" + USAGE + ")");
      }
    }
    if (eventFiles.isEmpty()) {
      return fail(err, "no --events file (" + USAGE + ")");
    }
    try {
      List<ArrayNode> batches = new ArrayList<>();
      for (String file : eventFiles) {
        batches.add(readArray(file));
      }
      RoomVersion version = roomVersion(batches);
      List<List<Pdu>> pdus = new ArrayList<>();
      Map<String, Pdu> byId = new LinkedHashMap<>();
      for (int b = 0; b < batches.size(); b++) {
        List<Pdu> batch = new ArrayList<>();
        for (JsonNode node : batches.get(b)) {
          if (!(node instanceof ObjectNode json)) {
            throw new BadInput(eventFiles.get(b) + ": every element must be an event object");
          }
          Pdu pdu = new Pdu(version, json, eventId(json, version, eventFiles.get(b)));
          batch.add(pdu);
          byId.putIfAbsent(pdu.eventId(), pdu);
        }
        pdus.add(batch);
      }
      EventSource events = EventSource.of(byId);
      AuthChainSource authChains = AuthChainSource.walking(events);
      Map<StateKey, String> resolved =
          stateFiles.isEmpty()
              ? resolveBatches(version, pdus, events, authChains)
              : resolveStateMaps(version, stateFiles, byId, events, authChains);
      out.println(JsonMapper.shared().writerWithDefaultPrettyPrinter().writeValueAsString(render(resolved, byId)));
      out.flush();
      return 0;
    } catch (BadInput e) {
      return fail(err, e.getMessage());
    } catch (RuntimeException e) {
      // Malformed events can reach code that expects the event format; report, do not dump a stack trace.
      return fail(err, "cannot resolve: " + e);
    } catch (IOException e) {
      return fail(err, "cannot write the result: " + e.getMessage());
    }
  }

  // Batches: resolve {the result so far} with one single-entry map per PDU of the next file.
  private static Map<StateKey, String> resolveBatches(
      RoomVersion version, List<List<Pdu>> batches, EventSource events, AuthChainSource authChains) {
    Map<StateKey, String> soFar = null;
    for (List<Pdu> batch : batches) {
      List<Map<StateKey, String>> stateSets = new ArrayList<>();
      if (soFar != null) {
        stateSets.add(soFar);
      }
      for (Pdu pdu : batch) {
        pdu.stateSlot().ifPresent(slot -> stateSets.add(Map.of(slot, pdu.eventId())));
      }
      soFar = StateResolver.resolve(version, stateSets, events, authChains);
    }
    return soFar;
  }

  private static Map<StateKey, String> resolveStateMaps(
      RoomVersion version,
      List<String> stateFiles,
      Map<String, Pdu> byId,
      EventSource events,
      AuthChainSource authChains)
      throws BadInput {
    List<Map<StateKey, String>> stateSets = new ArrayList<>();
    for (String file : stateFiles) {
      Map<StateKey, String> state = new HashMap<>();
      for (JsonNode id : readArray(file)) {
        Pdu pdu = id.isTextual() ? byId.get(id.textValue()) : null;
        if (pdu == null) {
          throw new BadInput(file + ": " + id + " is not the ID of an event in the --events files");
        }
        StateKey slot =
            pdu.stateSlot().orElseThrow(() -> new BadInput(file + ": " + id + " is not a state event"));
        state.put(slot, pdu.eventId());
      }
      stateSets.add(state);
    }
    return StateResolver.resolve(version, stateSets, events, authChains);
  }

  private static ArrayNode render(Map<StateKey, String> resolved, Map<String, Pdu> byId) {
    ArrayNode rows = JsonMapper.shared().createArrayNode();
    for (Map.Entry<StateKey, String> entry : new TreeMap<>(resolved).entrySet()) {
      ObjectNode row = rows.addObject();
      row.put("type", entry.getKey().type());
      row.put("state_key", entry.getKey().stateKey());
      row.put("event_id", entry.getValue());
      Pdu pdu = byId.get(entry.getValue());
      row.set("content", pdu == null ? JsonMapper.shared().createObjectNode() : pdu.content());
    }
    return rows;
  }

  private static RoomVersion roomVersion(List<ArrayNode> batches) throws BadInput {
    for (ArrayNode batch : batches) {
      for (JsonNode event : batch) {
        if ("m.room.create".equals(event.path("type").asText()) && "".equals(event.path("state_key").asText(null))) {
          // A create event without room_version is from room version 1.
          String identifier = event.path("content").path("room_version").asText("1");
          return RoomVersion.byIdentifier(identifier)
              .orElseThrow(() -> new BadInput("unsupported room version \"" + identifier + "\""));
        }
      }
    }
    throw new BadInput("no m.room.create event in the --events files");
  }

  private static String eventId(ObjectNode json, RoomVersion version, String file) throws BadInput {
    JsonNode explicit = json.get("event_id");
    if (explicit != null && explicit.isTextual()) {
      return explicit.textValue();
    }
    try {
      return EventIds.eventId(json, version);
    } catch (RuntimeException e) {
      throw new BadInput(file + ": cannot compute an event ID: " + e.getMessage());
    }
  }

  private static ArrayNode readArray(String file) throws BadInput {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(Path.of(file));
    } catch (IOException | RuntimeException e) {
      throw new BadInput("cannot read " + file + ": " + e);
    }
    JsonNode node;
    try {
      node = JsonMapper.shared().readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new BadInput(file + ": not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadInput("cannot read " + file + ": " + e);
    }
    if (node instanceof ArrayNode array) {
      return array;
    }
    throw new BadInput(file + ": expected a JSON array");
  }

  private static int fail(PrintStream err, String message) {
    err.println(NAME + ": " + String.valueOf(message).replaceAll("\\s*[\\r\\n]+\\s*", " ").trim());
    return 2;
  }

  /** Input the tool cannot use; its message is for the operator. */
  private static final class BadInput extends Exception {
    BadInput(String message) {
      super(message, null, false, false);
    }
  }
}
