package dev.larch.core.federation.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.auth.AuthRules;
import dev.larch.core.crypto.Sha256;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.crypto.UnpaddedBase64;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.event.EventSigner;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.ReferenceHash;
import dev.larch.core.event.StateKey;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.federation.keys.ServerKeys;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.json.ReceivedJson;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.state.EventSource;
import dev.larch.core.state.StateResolver;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A fake remote homeserver for federation tests: it holds one room as a DAG of events it builds and signs (as itself,
 * or as any other server it was given a key for, such as the server under test for its users' events), and answers
 * the federation reads the inbound pipeline makes of it ({@code get_missing_events}, {@code state_ids},
 * {@code event}, {@code event_auth}) from that DAG, as a {@link FederationClient}.
 *
 * <p>Events are built the way a real server builds them (prev events, depth, auth events chosen from the state
 * before the event, content hash, signature over the redacted form), but the fake never runs the auth rules, so a
 * test can make it author an event that a correct receiver must reject. Keys are derived from server names, so two
 * runs produce the same keys; timestamps come from a counter.
 */
public final class FakeRemoteServer implements FederationClient {
  /** The key ID every fake server signs with. */
  public static final String KEY_ID = "ed25519:fake";

  private static final String PREFIX = "/_matrix/federation/v1/";

  private final String name;
  private final RoomVersion version;
  private final Map<String, EventSigner> signers = new HashMap<>();
  private final Map<String, VerifyKey> verifyKeys = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, Pdu> events = new LinkedHashMap<>();
  private final Map<String, Map<StateKey, String>> stateBefore = new HashMap<>();
  private final Map<String, Map<StateKey, String>> stateAfter = new HashMap<>();
  private final Set<String> extremities = new LinkedHashSet<>();
  private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  private String roomId;
  private long clock = 1_700_000_000_000L;
  private long counter;
  private volatile boolean unreachable;

  /** A server named {@code name} with a room of {@code version} (created by {@link #createRoom}). */
  public FakeRemoteServer(String name, RoomVersion version) {
    this.name = name;
    this.version = version;
    addServer(name);
  }

  public String name() {
    return name;
  }

  public RoomVersion version() {
    return version;
  }

  public String roomId() {
    return roomId;
  }

  /** Lets this fake sign events as {@code serverName} too (e.g. the server under test, for its own users' joins). */
  public EventSigner addServer(String serverName) {
    EventSigner signer = signers.computeIfAbsent(serverName, n -> new EventSigner(n, KEY_ID, keyOf(n)));
    verifyKeys.putIfAbsent(serverName, signer.verifyKey());
    return signer;
  }

  /** The signing key a fake derives for a server name. */
  public static SigningKey keyOf(String serverName) {
    return SigningKey.fromSeed(Sha256.hash(("fake server key " + serverName).getBytes(StandardCharsets.UTF_8)));
  }

  /** Keys of every server this fake signs as, valid at any time; unknown servers and key IDs have none. */
  public ServerKeys keys() {
    return (server, keyId, at) -> KEY_ID.equals(keyId) ? Optional.ofNullable(verifyKeys.get(server))
        : Optional.empty();
  }

  /** While true, every request fails as if this server were offline. */
  public void unreachable(boolean value) {
    unreachable = value;
  }

  /** Every request made of this fake so far, as {@code METHOD path}. */
  public List<String> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** How many requests so far started with {@code prefix} (e.g. {@code "POST /_matrix/federation/v1/get_missing"}). */
  public long requestCount(String prefix) {
    return requests().stream().filter(r -> r.startsWith(prefix)).count();
  }

  // ---- The room ----

  /**
   * Creates the room: create event, the creator's join, power levels (the creator at 100, {@code moderators} at
   * 50), public join rules, shared history. Returns the events in order.
   */
  public List<Pdu> createRoom(String creator, String... moderators) {
    List<Pdu> created = new ArrayList<>();
    ObjectNode createContent = object();
    createContent.put("room_version", version.identifier());
    if (!version.implicitRoomCreator()) {
      createContent.put("creator", creator);
    }
    if (!version.privilegedCreators()) {
      roomId = "!fakeroom" + name.hashCode() + ":" + name;
    }
    created.add(event(creator, "m.room.create").stateKey("").content(createContent).build());
    if (version.privilegedCreators()) {
      roomId = created.get(0).roomId();
    }
    created.add(join(creator));
    ObjectNode levels = object();
    ObjectNode users = levels.putObject("users");
    if (!version.privilegedCreators()) {
      users.put(creator, 100);
    }
    for (String moderator : moderators) {
      users.put(moderator, 50);
    }
    levels.put("users_default", 0).put("events_default", 0).put("state_default", 50).put("ban", 50)
        .put("kick", 50).put("redact", 50).put("invite", 0);
    created.add(event(creator, "m.room.power_levels").stateKey("").content(levels).build());
    created.add(event(creator, "m.room.join_rules").stateKey("").content(object().put("join_rule", "public"))
        .build());
    created.add(event(creator, "m.room.history_visibility").stateKey("")
        .content(object().put("history_visibility", "shared")).build());
    return created;
  }

  public Pdu join(String user) {
    return event(user, "m.room.member").stateKey(user).content(object().put("membership", "join")).build();
  }

  public Pdu ban(String by, String target) {
    return event(by, "m.room.member").stateKey(target).content(object().put("membership", "ban")).build();
  }

  public Pdu topic(String sender, String topic) {
    return event(sender, "m.room.topic").stateKey("").content(object().put("topic", topic)).build();
  }

  public Pdu message(String sender, String body) {
    return event(sender, "m.room.message").content(object().put("msgtype", "m.text").put("body", body)).build();
  }

  /** A builder for one event, on the room's forward extremities unless {@link Builder#prev} says otherwise. */
  public Builder event(String sender, String type) {
    return new Builder(sender, type);
  }

  /** One event under construction. */
  public final class Builder {
    private final String sender;
    private final String type;
    private String stateKey;
    private ObjectNode content = object();
    private List<String> prev;
    private List<String> auth;

    private Builder(String sender, String type) {
      this.sender = sender;
      this.type = type;
    }

    public Builder stateKey(String value) {
      stateKey = value;
      return this;
    }

    public Builder content(ObjectNode value) {
      content = value;
      return this;
    }

    /** The prev events, instead of the fake's forward extremities (to make forks). */
    public Builder prev(String... eventIds) {
      prev = List.of(eventIds);
      return this;
    }

    /** The auth events, instead of those the auth events selection picks from the state before the event. */
    public Builder auth(String... eventIds) {
      auth = List.of(eventIds);
      return this;
    }

    /** Builds, signs as the sender's server and adds the event to the fake's DAG. */
    public Pdu build() {
      List<String> prevIds = prev != null ? prev : List.copyOf(extremities);
      Map<StateKey, String> before = stateAt(prevIds);
      ObjectNode json = object();
      if (roomId != null && !(version.privilegedCreators() && type.equals("m.room.create"))) {
        json.put("room_id", roomId);
      }
      json.put("sender", sender);
      json.put("type", type);
      if (stateKey != null) {
        json.put("state_key", stateKey);
      }
      json.set("content", content.deepCopy());
      long depth = 0;
      for (String id : prevIds) {
        depth = Math.max(depth, events.get(id).depth());
      }
      json.put("depth", depth + 1);
      json.put("origin_server_ts", clock++);
      String server = sender.substring(sender.indexOf(':') + 1);
      if (!version.implicitRoomCreator()) {
        json.put("origin", server);
      }
      if (version.eventsCarryIds()) {
        json.put("event_id", "$fake" + (++counter) + ":" + server);
      }
      json.set("prev_events", references(prevIds));
      Pdu provisional = new Pdu(version, json, "$provisional");
      List<String> authIds = new ArrayList<>();
      for (StateKey slot : AuthRules.authEventTypes(provisional)) {
        if (before.containsKey(slot)) {
          authIds.add(before.get(slot));
        }
      }
      if (auth != null) {
        authIds = auth;
      }
      json.set("auth_events", references(authIds));
      EventSigner signer = signers.get(server);
      if (signer == null) {
        throw new IllegalStateException("the fake has no key for " + server);
      }
      Pdu event = signer.hashAndSign(json, version);
      events.put(event.eventId(), event);
      stateBefore.put(event.eventId(), before);
      Map<StateKey, String> after = before;
      if (event.isState()) {
        after = new HashMap<>(before);
        after.put(event.stateSlot().orElseThrow(), event.eventId());
      }
      stateAfter.put(event.eventId(), after);
      prevIds.forEach(extremities::remove);
      extremities.add(event.eventId());
      return event;
    }
  }

  /** The state after an event of the fake's DAG. */
  public Map<StateKey, String> stateAfter(String eventId) {
    return Map.copyOf(stateAfter.get(eventId));
  }

  /** The resolved state at these events (the state an event with them as prev events would see). */
  public Map<StateKey, String> stateAt(Collection<String> eventIds) {
    List<Map<StateKey, String>> states = new ArrayList<>();
    for (String id : eventIds) {
      states.add(stateAfter.get(id));
    }
    if (states.size() <= 1) {
      return states.isEmpty() ? Map.of() : states.get(0);
    }
    return StateResolver.resolve(version, states, EventSource.of(events));
  }

  /** The fake's forward extremities. */
  public Set<String> extremities() {
    return Set.copyOf(extremities);
  }

  public Pdu get(String eventId) {
    return events.get(eventId);
  }

  /** Every event of the DAG, in the order it was built. */
  public List<Pdu> events() {
    return List.copyOf(events.values());
  }

  /** A {@code /send} body carrying these events. */
  public ObjectNode transaction(List<Pdu> pdus) {
    ObjectNode body = object();
    body.put("origin", name);
    body.put("origin_server_ts", clock);
    ArrayNode list = body.putArray("pdus");
    pdus.forEach(p -> list.add(p.json().deepCopy()));
    return body;
  }

  // ---- Tampering ----

  /** The event with {@code content.body} changed after signing: signatures still verify, the content hash not. */
  public static ObjectNode withChangedBody(Pdu event, String body) {
    ObjectNode json = event.json().deepCopy();
    ((ObjectNode) json.get("content")).put("body", body);
    return json;
  }

  /** The event signed again by someone holding another key under this server's name and key ID (a forgery). */
  public static ObjectNode forged(Pdu event, String serverName) {
    ObjectNode json = event.json().deepCopy();
    json.remove("signatures");
    EventSigner impostor = new EventSigner(serverName, KEY_ID,
        SigningKey.fromSeed(Sha256.hash(("impostor " + serverName).getBytes(StandardCharsets.UTF_8))));
    return impostor.addSignature(new Pdu(event.roomVersion(), json, event.eventId())).json();
  }

  // ---- FederationClient: answers from the DAG ----

  @Override
  public JsonNode request(String destination, String method, String pathAndQuery, ObjectNode body) {
    requests.add(method + " " + pathAndQuery);
    if (unreachable || !destination.equals(name)) {
      throw RemoteServerException.unreachable(destination, "fake server is offline", null);
    }
    String path = pathAndQuery;
    String query = "";
    int q = path.indexOf('?');
    if (q >= 0) {
      query = path.substring(q + 1);
      path = path.substring(0, q);
    }
    if (!path.startsWith(PREFIX)) {
      throw RemoteServerException.httpError(name, 404, "M_UNRECOGNIZED", "not a federation path");
    }
    String[] parts = path.substring(PREFIX.length()).split("/");
    ObjectNode answer = switch (method + " " + parts[0]) {
      case "POST get_missing_events" -> missingEvents(body);
      case "GET state_ids" -> stateIds(decode(query.substring(query.indexOf('=') + 1)));
      case "GET event" -> singleEvent(decode(parts[1]));
      case "GET event_auth" -> authChainOf(decode(parts[2]));
      default -> throw RemoteServerException.httpError(name, 404, "M_UNRECOGNIZED", method + " " + path);
    };
    // As a real client would: bytes on the wire, parsed as received.
    try {
      return ReceivedJson.parseObject(JsonMapper.shared().writeValueAsBytes(answer));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private ObjectNode missingEvents(ObjectNode body) {
    Set<String> earliest = new HashSet<>();
    body.get("earliest_events").forEach(id -> earliest.add(id.textValue()));
    int limit = body.path("limit").asInt(10);
    Deque<String> queue = new ArrayDeque<>();
    body.get("latest_events").forEach(id -> queue.add(id.textValue()));
    Set<String> seen = new HashSet<>(queue);
    ObjectNode answer = object();
    ArrayNode list = answer.putArray("events");
    while (!queue.isEmpty() && list.size() < limit) {
      Pdu event = events.get(queue.poll());
      if (event == null) {
        continue;
      }
      for (String prev : event.prevEventIds()) {
        if (!earliest.contains(prev) && seen.add(prev) && events.containsKey(prev)) {
          list.add(events.get(prev).json().deepCopy());
          queue.add(prev);
          if (list.size() >= limit) {
            break;
          }
        }
      }
    }
    return answer;
  }

  private ObjectNode stateIds(String eventId) {
    Map<StateKey, String> state = stateBefore.get(eventId);
    if (state == null) {
      throw RemoteServerException.httpError(name, 404, "M_NOT_FOUND", "unknown event " + eventId);
    }
    ObjectNode answer = object();
    ArrayNode pdus = answer.putArray("pdu_ids");
    state.values().forEach(pdus::add);
    ArrayNode auth = answer.putArray("auth_chain_ids");
    authChain(state.values()).forEach(auth::add);
    return answer;
  }

  private ObjectNode singleEvent(String eventId) {
    Pdu event = events.get(eventId);
    if (event == null) {
      throw RemoteServerException.httpError(name, 404, "M_NOT_FOUND", "unknown event " + eventId);
    }
    ObjectNode answer = object();
    answer.put("origin", name);
    answer.put("origin_server_ts", clock);
    answer.putArray("pdus").add(event.json().deepCopy());
    return answer;
  }

  private ObjectNode authChainOf(String eventId) {
    Pdu event = events.get(eventId);
    if (event == null) {
      throw RemoteServerException.httpError(name, 404, "M_NOT_FOUND", "unknown event " + eventId);
    }
    ObjectNode answer = object();
    ArrayNode chain = answer.putArray("auth_chain");
    authChain(List.of(eventId)).forEach(id -> chain.add(events.get(id).json().deepCopy()));
    return answer;
  }

  // Every event reachable along auth_events from these (not including them unless reached).
  private Set<String> authChain(Collection<String> from) {
    Set<String> chain = new LinkedHashSet<>();
    Deque<String> queue = new ArrayDeque<>(from);
    while (!queue.isEmpty()) {
      Pdu event = events.get(queue.poll());
      if (event != null) {
        for (String auth : event.authEventIds()) {
          if (chain.add(auth)) {
            queue.add(auth);
          }
        }
      }
    }
    return chain;
  }

  private ArrayNode references(List<String> ids) {
    ArrayNode array = JsonMapper.shared().createArrayNode();
    for (String id : ids) {
      if (version.eventsCarryIds()) {
        ArrayNode pair = array.addArray();
        pair.add(id);
        pair.addObject().put("sha256", UnpaddedBase64.encode(ReferenceHash.compute(events.get(id).json(), version)));
      } else {
        array.add(id);
      }
    }
    return array;
  }

  private static String decode(String segment) {
    return URLDecoder.decode(segment, StandardCharsets.UTF_8);
  }

  private static ObjectNode object() {
    return JsonMapper.shared().createObjectNode();
  }
}
