package dev.larch.core.federation.join;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.auth.AuthResult;
import dev.larch.core.auth.AuthRules;
import dev.larch.core.crypto.Sha256;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.event.EventSigner;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.federation.keys.ServerKeys;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.json.ReceivedJson;
import dev.larch.core.room.RoomVersion;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A fake resident server for the outbound membership tests: it holds one room as a signed event DAG (linear: each
 * event follows the previous one) and answers, as a {@link FederationClient}, what a joining, knocking, leaving or
 * inviting server asks of a resident: {@code query/directory}, {@code make_join}/{@code send_join} (v2),
 * {@code make_leave}/{@code send_leave}, {@code make_knock}/{@code send_knock}, {@code backfill},
 * {@code state_ids}, {@code event}, and {@code invite} (it countersigns). Its events are built and signed the way a
 * real server does (auth events from the state before, content hash, signature over the redacted form), and it runs
 * the auth rules on the membership events it accepts. Answers go through JSON bytes, as over the network.
 *
 * <p>Hooks let a test break it: {@link #down}, {@link #tamperSendJoin}, {@link #refuse}.
 */
public final class FakeResident implements FederationClient {
  public static final String KEY_ID = "ed25519:fake";
  private static final String V1 = "/_matrix/federation/v1/";
  private static final String V2 = "/_matrix/federation/v2/";

  private final String name;
  private final RoomVersion version;
  private final EventSigner signer;
  private final Map<String, VerifyKey> otherKeys = new HashMap<>();
  private final Map<String, Pdu> events = new LinkedHashMap<>();
  private final Map<String, Map<StateKey, String>> stateBefore = new HashMap<>();
  private final Map<StateKey, String> state = new HashMap<>();
  private final Map<String, String> aliases = new HashMap<>();
  private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  private String roomId;
  private String last;
  private long ts = 1_700_000_000_000L;
  private volatile boolean down;
  private volatile UnaryOperator<ObjectNode> sendJoinTamper = UnaryOperator.identity();
  private volatile String refusedEndpoint;

  public FakeResident(String name, RoomVersion version) {
    this.name = name;
    this.version = version;
    this.signer = new EventSigner(name, KEY_ID, keyOf(name));
  }

  /** The key a fake derives from its name. */
  public static SigningKey keyOf(String serverName) {
    return SigningKey.fromSeed(Sha256.hash(("fake resident " + serverName).getBytes(StandardCharsets.UTF_8)));
  }

  public String name() {
    return name;
  }

  public String roomId() {
    return roomId;
  }

  public EventSigner signer() {
    return signer;
  }

  /** Lets this fake check signatures of {@code server} (the server under test). */
  public void trust(String server, VerifyKey key) {
    otherKeys.put(server, key);
  }

  /** Keys of this fake and the servers it trusts, valid at any time. */
  public ServerKeys keys() {
    return (server, keyId, at) -> {
      if (name.equals(server) && KEY_ID.equals(keyId)) {
        return Optional.of(signer.verifyKey());
      }
      return Optional.ofNullable(otherKeys.get(server)).filter(k -> k.keyId().equals(keyId));
    };
  }

  /** While true, every request fails as if the server were offline. */
  public void down(boolean value) {
    down = value;
  }

  /** Rewrites every send_join answer before it is sent (to forge state). */
  public void tamperSendJoin(UnaryOperator<ObjectNode> tamper) {
    sendJoinTamper = tamper;
  }

  /** Makes requests whose path contains {@code endpoint} fail with 403 M_FORBIDDEN. */
  public void refuse(String endpoint) {
    refusedEndpoint = endpoint;
  }

  public List<String> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  public Map<String, Pdu> events() {
    return Collections.unmodifiableMap(events);
  }

  public Map<StateKey, String> state() {
    return Map.copyOf(state);
  }

  public void alias(String alias) {
    aliases.put(alias, roomId);
  }

  // ---- the room ----

  /** Creates a public room with shared history, created by {@code creator}. */
  public synchronized void createRoom(String creator) {
    ObjectNode create = object().put("room_version", version.identifier());
    if (!version.implicitRoomCreator()) {
      create.put("creator", creator);
    }
    if (!version.privilegedCreators()) {
      roomId = "!resident:" + name;
    }
    Pdu createEvent = add(creator, "m.room.create", "", create);
    if (version.privilegedCreators()) {
      roomId = createEvent.roomId();
    }
    add(creator, "m.room.member", creator, object().put("membership", "join"));
    ObjectNode levels = object();
    if (!version.privilegedCreators()) {
      levels.putObject("users").put(creator, 100);
    }
    levels.put("invite", 0).put("state_default", 50).put("events_default", 0);
    add(creator, "m.room.power_levels", "", levels);
    add(creator, "m.room.join_rules", "", object().put("join_rule", "public"));
    add(creator, "m.room.history_visibility", "", object().put("history_visibility", "shared"));
  }

  /** A message from {@code sender}. */
  public synchronized Pdu message(String sender, String body) {
    return add(sender, "m.room.message", null, object().put("msgtype", "m.text").put("body", body));
  }

  /** Builds, signs and appends an event (the fake's own users), without running the auth rules. */
  public synchronized Pdu add(String sender, String type, String stateKey, ObjectNode content) {
    ObjectNode json = object();
    if (roomId != null) {
      json.put("room_id", roomId);
    }
    json.put("sender", sender).put("type", type);
    if (stateKey != null) {
      json.put("state_key", stateKey);
    }
    json.set("content", content);
    fillPosition(json, sender, type, stateKey, content);
    return append(signer.hashAndSign(json, version));
  }

  /** Builds and signs an event on the room's head like {@link #add}, without adding it to the room. */
  public synchronized Pdu detached(String sender, String type, String stateKey, ObjectNode content) {
    ObjectNode json = object().put("room_id", roomId).put("sender", sender).put("type", type);
    if (stateKey != null) {
      json.put("state_key", stateKey);
    }
    json.set("content", content);
    fillPosition(json, sender, type, stateKey, content);
    return signer.hashAndSign(json, version);
  }

  // prev_events, auth_events, depth, timestamps: what a resident puts into an event (or a template) on its head.
  private void fillPosition(ObjectNode json, String sender, String type, String stateKey, ObjectNode content) {
    json.put("origin_server_ts", ts++);
    if (!version.implicitRoomCreator()) {
      json.put("origin", name);
    }
    ArrayNode prev = json.putArray("prev_events");
    long depth = 1;
    if (last != null) {
      prev.add(last);
      depth = events.get(last).depth() + 1;
    }
    json.put("depth", depth);
    ArrayNode auth = json.putArray("auth_events");
    if (!"m.room.create".equals(type)) {
      ObjectNode probe = json.deepCopy();
      probe.set("content", content);
      for (StateKey slot : AuthRules.authEventTypes(new Pdu(version, probe, "$probe"))) {
        Optional.ofNullable(state.get(slot)).ifPresent(auth::add);
      }
    }
  }

  private Pdu append(Pdu event) {
    events.put(event.eventId(), event);
    stateBefore.put(event.eventId(), Map.copyOf(state));
    event.stateSlot().ifPresent(slot -> state.put(slot, event.eventId()));
    last = event.eventId();
    return event;
  }

  // ---- FederationClient ----

  @Override
  public JsonNode request(String destination, String method, String pathAndQuery, ObjectNode body) {
    requests.add(method + " " + pathAndQuery);
    if (!name.equals(destination)) {
      throw RemoteServerException.unreachable(destination, "no such fake server", null);
    }
    if (down) {
      throw RemoteServerException.unreachable(destination, "connection refused", null);
    }
    if (refusedEndpoint != null && pathAndQuery.contains(refusedEndpoint)) {
      throw RemoteServerException.httpError(name, 403, "M_FORBIDDEN", "You are not invited to this room");
    }
    synchronized (this) {
      JsonNode answer = answer(method, pathAndQuery, body);
      // Over the wire and back: exactly what a real transport hands the caller.
      return ReceivedJson.parseValue(JsonMapper.shared().valueToTree(answer).toString()
          .getBytes(StandardCharsets.UTF_8));
    }
  }

  private JsonNode answer(String method, String pathAndQuery, ObjectNode body) {
    int q = pathAndQuery.indexOf('?');
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    Map<String, List<String>> query = query(q < 0 ? "" : pathAndQuery.substring(q + 1));
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/")) {
      parts.add(URLDecoder.decode(part, StandardCharsets.UTF_8));
    }
    String endpoint = parts.size() > 4 ? parts.get(4) : "";
    boolean v1 = path.startsWith(V1);
    boolean v2 = path.startsWith(V2);
    if (v1 && endpoint.equals("query") && parts.get(5).equals("directory")) {
      String room = aliases.get(query.getOrDefault("room_alias", List.of("")).get(0));
      if (room == null) {
        throw RemoteServerException.httpError(name, 404, "M_NOT_FOUND", "no such alias");
      }
      return object().put("room_id", room).set("servers", JsonMapper.shared().createArrayNode().add(name));
    }
    if (v1 && endpoint.startsWith("make_")) {
      String membership = endpoint.substring("make_".length());
      return makeMembership(parts.get(5), parts.get(6), membership, query.getOrDefault("ver", List.of()));
    }
    if ((v2 && endpoint.equals("send_join")) || (v2 && endpoint.equals("send_leave"))
        || (v1 && endpoint.equals("send_knock"))) {
      Pdu event = accept(parts.get(5), body);
      if (endpoint.equals("send_join")) {
        return sendJoinTamper.apply(sendJoinAnswer(event));
      }
      if (endpoint.equals("send_knock")) {
        ArrayNode stripped = JsonMapper.shared().createArrayNode();
        for (String type : List.of("m.room.create", "m.room.join_rules")) {
          Pdu e = events.get(state.get(StateKey.of(type, "")));
          stripped.addObject().put("type", e.type()).put("state_key", "").put("sender", e.sender())
              .set("content", e.content());
        }
        return object().set("knock_room_state", stripped);
      }
      return object();
    }
    if (v2 && endpoint.equals("invite")) {
      Pdu invite = Pdu.fromJson(version, (ObjectNode) body.get("event"));
      return object().set("event", signer.addSignature(invite).json());
    }
    if (v1 && endpoint.equals("backfill")) {
      return object().put("origin", name).put("origin_server_ts", ts)
          .set("pdus", backfill(query.getOrDefault("v", List.of()),
              Integer.parseInt(query.getOrDefault("limit", List.of("10")).get(0))));
    }
    if (v1 && endpoint.equals("state_ids")) {
      Map<StateKey, String> before = stateBefore.get(query.get("event_id").get(0));
      if (before == null) {
        throw RemoteServerException.httpError(name, 404, "M_NOT_FOUND", "unknown event");
      }
      ArrayNode ids = JsonMapper.shared().createArrayNode();
      before.values().forEach(ids::add);
      return object().<ObjectNode>set("pdu_ids", ids).set("auth_chain_ids", JsonMapper.shared().createArrayNode());
    }
    if (v1 && endpoint.equals("event")) {
      Pdu event = events.get(parts.get(5));
      if (event == null) {
        throw RemoteServerException.httpError(name, 404, "M_NOT_FOUND", "unknown event");
      }
      return object().put("origin", name).set("pdus", JsonMapper.shared().createArrayNode().add(event.json()));
    }
    throw RemoteServerException.httpError(name, 404, "M_UNRECOGNIZED", "unknown endpoint " + method + " " + path);
  }

  private ObjectNode makeMembership(String room, String userId, String membership, List<String> versions) {
    if (!room.equals(roomId)) {
      throw RemoteServerException.httpError(name, 404, "M_NOT_FOUND", "unknown room");
    }
    if (!membership.equals("leave") && !versions.contains(version.identifier())) {
      throw RemoteServerException.httpError(name, 400, "M_INCOMPATIBLE_ROOM_VERSION", "incompatible");
    }
    ObjectNode content = object().put("membership", membership);
    ObjectNode json = object().put("room_id", roomId).put("sender", userId).put("type", "m.room.member")
        .put("state_key", userId);
    json.set("content", content);
    fillPosition(json, userId, "m.room.member", userId, content);
    ts--; // a template takes no timestamp of ours
    return object().put("room_version", version.identifier()).set("event", json);
  }

  // A membership event of the joining server: its signature, then the auth rules against the current state.
  private Pdu accept(String room, ObjectNode body) {
    Pdu event = Pdu.fromJson(version, body);
    if (!room.equals(roomId) || !event.roomId().equals(roomId)) {
      throw RemoteServerException.httpError(name, 400, "M_BAD_JSON", "wrong room");
    }
    String origin = event.sender().substring(event.sender().indexOf(':') + 1);
    if (!dev.larch.core.event.PduVerifier.verify(event, (s, k) -> keys().verifyKey(s, k, ServerKeys.ANY_TIME))
        .isSignedBy(origin)) {
      throw RemoteServerException.httpError(name, 403, "M_FORBIDDEN", "bad signature");
    }
    Map<StateKey, Pdu> authState = new HashMap<>();
    state.forEach((slot, id) -> authState.put(slot, events.get(id)));
    AuthResult result = AuthRules.authorize(event, authState);
    if (!result.isAllowed()) {
      throw RemoteServerException.httpError(name, 403, "M_FORBIDDEN", result.toString());
    }
    if (!events.containsKey(event.eventId())) {
      append(event);
    }
    return event;
  }

  private ObjectNode sendJoinAnswer(Pdu join) {
    Map<StateKey, String> before = stateBefore.get(join.eventId());
    ArrayNode stateArray = JsonMapper.shared().createArrayNode();
    Set<String> chain = new LinkedHashSet<>();
    List<String> walk = new ArrayList<>(before.values());
    walk.addAll(join.authEventIds());
    while (!walk.isEmpty()) {
      String id = walk.remove(walk.size() - 1);
      if (chain.add(id)) {
        walk.addAll(events.get(id).authEventIds());
      }
    }
    before.values().forEach(id -> stateArray.add(events.get(id).json()));
    ArrayNode chainArray = JsonMapper.shared().createArrayNode();
    chain.forEach(id -> chainArray.add(events.get(id).json()));
    ObjectNode answer = object().put("origin", name);
    answer.set("state", stateArray);
    answer.set("auth_chain", chainArray);
    return answer;
  }

  // Breadth-first back through prev_events from the given events, newest first, at most limit.
  private ArrayNode backfill(List<String> from, int limit) {
    Set<String> seen = new HashSet<>();
    List<Pdu> frontier = new ArrayList<>();
    for (String id : from) {
      if (events.containsKey(id) && seen.add(id)) {
        frontier.add(events.get(id));
      }
    }
    List<Pdu> picked = new ArrayList<>();
    while (!frontier.isEmpty() && picked.size() < limit) {
      frontier.sort(Comparator.comparingLong(Pdu::depth).reversed());
      Pdu next = frontier.remove(0);
      picked.add(next);
      for (String prev : next.prevEventIds()) {
        if (events.containsKey(prev) && seen.add(prev)) {
          frontier.add(events.get(prev));
        }
      }
    }
    ArrayNode array = JsonMapper.shared().createArrayNode();
    picked.forEach(e -> array.add(e.json()));
    return array;
  }

  private static Map<String, List<String>> query(String query) {
    Map<String, List<String>> params = new HashMap<>();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        params.computeIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            k -> new ArrayList<>()).add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return params;
  }

  private static ObjectNode object() {
    return JsonMapper.shared().createObjectNode();
  }
}
