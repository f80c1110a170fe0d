package dev.larch.core.room;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.auth.AuthResult;
import dev.larch.core.auth.AuthRules;
import dev.larch.core.crypto.UnpaddedBase64;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.EventSigner;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.ReferenceHash;
import dev.larch.core.event.StateKey;
import dev.larch.core.json.CanonicalJson;
import dev.larch.core.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Builds a new local event: the PDU fields around a client's {@link EventDraft}, hashes and signature, size limits
 * and the authorization rules. Pure: the room's head (prev events, state) is passed in, time and randomness are
 * injected, nothing is stored.
 *
 * <p>Spec: server-server API, "PDUs" and "Adding hashes and signatures to outgoing events"; client-server API,
 * "Size limits"; room versions, "Event format" and "Authorization rules". The steps:
 *
 * <ol>
 *   <li>Check the draft's sizes: type and state key at most 255 bytes.
 *   <li>{@code prev_events}: the given prev events (the room's forward extremities); {@code depth}: one more than
 *       the deepest of them, capped at the canonical JSON integer limit; {@code origin_server_ts} from the clock.
 *   <li>{@code auth_events}: the state events the auth events selection names, from the state before the event.
 *   <li>Hash and sign as this server ({@link EventSigner#hashAndSign}).
 *   <li>The whole event, as sent over federation, at most 65,536 bytes of canonical JSON ({@code M_TOO_LARGE}).
 *   <li>Authorize it against the state before it ({@code M_FORBIDDEN} with the rule that failed).
 * </ol>
 */
public final class EventBuilder {
  /** The largest event, as canonical JSON formatted for federation. */
  public static final int MAX_EVENT_BYTES = 65_536;

  private static final int MAX_ID_BYTES = 255;
  private static final StateKey CREATE_SLOT = StateKey.of("m.room.create", "");
  private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

  private final EventSigner signer;
  private final Clock clock;
  private final RandomGenerator random;
  private final int signatureBytes; // what this server's signature adds to an event's canonical JSON

  public EventBuilder(EventSigner signer, Clock clock, RandomGenerator random) {
    this.signer = signer;
    this.clock = clock;
    this.random = random;
    this.signatureBytes = signer.signatureBytes();
  }

  /** The name of the server this builder signs as. */
  public String serverName() {
    return signer.serverName();
  }

  /** The clock events are stamped with. */
  public Clock clock() {
    return clock;
  }

  /** A fresh opaque ID of {@code length} letters, for room IDs and v1–2 event IDs. */
  public String randomId(int length) {
    StringBuilder id = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
    }
    return id.toString();
  }

  /**
   * Builds, signs and authorizes one event.
   *
   * @param version the room's version
   * @param roomId the room ID, or null for the create event of a room version 12 room
   * @param sender the local user sending it
   * @param prevEvents the events it follows (empty only for a create event)
   * @param state the state before the event, by slot; only the slots the auth rules read are asked for
   * @throws MatrixException {@code M_TOO_LARGE}, {@code M_BAD_JSON} (content without a canonical encoding) or
   *     {@code M_FORBIDDEN} (the auth rules reject it)
   */
  public Pdu build(
      RoomVersion version,
      String roomId,
      String sender,
      EventDraft draft,
      List<Pdu> prevEvents,
      Function<StateKey, Optional<Pdu>> state) {
    Unsigned unsigned = buildUnsigned(version, roomId, sender, draft, prevEvents, state);
    return complete(unsigned, signature(unsigned));
  }

  /**
   * An event {@link #buildUnsigned} built, sized and authorized, still to be signed: {@link EventSigner#signature}
   * of {@link #hashed()} on any thread, then {@link #complete}.
   */
  public record Unsigned(EventSigner.Hashed hashed, Map<StateKey, Pdu> authState) {
    /** The event without its signature: its ID, depth, state slot and content are final. */
    public Pdu view() {
      return hashed.view();
    }
  }

  /**
   * {@link #build} but for the signature, which the caller makes with {@link #signature} (a batch signs its events
   * in parallel) and adds with {@link #complete}. Throws what {@code build} throws: the size is known before the
   * signature is made.
   */
  public Unsigned buildUnsigned(
      RoomVersion version,
      String roomId,
      String sender,
      EventDraft draft,
      List<Pdu> prevEvents,
      Function<StateKey, Optional<Pdu>> state) {
    Unsigned unsigned = hashed(version, roomId, sender, draft, prevEvents, state);
    // 5. The whole event as it will go over federation: the unsigned bytes plus what the signature adds (exactly:
    // EventSignerTest), so a refused event is never signed.
    checkSize(unsigned.view().canonicalJson().length + signatureBytes);
    // 6. The authorization rules against the state before the event.
    authorize(unsigned.view(), unsigned.authState());
    return unsigned;
  }

  /** This server's signature of an unsigned event; safe on any thread. */
  public String signature(Unsigned event) {
    return signer.signature(event.hashed());
  }

  /** The finished event, once nothing reads {@code event}'s view any more. */
  public Pdu complete(Unsigned event, String signature) {
    return signer.complete(event.hashed(), signature);
  }

  // Steps 1 to 4 of build: the event's JSON, its auth events, its hashes and ID.
  private Unsigned hashed(
      RoomVersion version,
      String roomId,
      String sender,
      EventDraft draft,
      List<Pdu> prevEvents,
      Function<StateKey, Optional<Pdu>> state) {
    // 1. Sizes the spec puts on individual fields.
    checkIdSize("type", draft.type());
    if (draft.stateKey() != null) {
      checkIdSize("state_key", draft.stateKey());
    }
    ObjectNode json = JsonMapper.shared().createObjectNode();
    if (roomId != null) {
      json.put("room_id", roomId);
    }
    json.put("sender", sender);
    json.put("type", draft.type());
    if (draft.stateKey() != null) {
      json.put("state_key", draft.stateKey());
    }
    ObjectNode content = draft.content().deepCopy();
    if (draft.redacts() != null) {
      if (version.redactsInContent()) {
        content.put("redacts", draft.redacts());
      } else {
        json.put("redacts", draft.redacts());
      }
    }
    json.set("content", content);
    // 2. prev_events, depth, timestamp (and the origin server, which events carry up to room version 10).
    long depth = 0;
    for (Pdu prev : prevEvents) {
      depth = Math.max(depth, prev.depth());
    }
    json.put("depth", Math.min(depth + 1, CanonicalJson.MAX_SAFE_INTEGER));
    json.put("origin_server_ts", clock.millis());
    if (!version.implicitRoomCreator()) {
      json.put("origin", signer.serverName());
    }
    if (version.eventsCarryIds()) {
      json.put("event_id", "$" + randomId(18) + ":" + signer.serverName());
    }
    json.set("prev_events", references(version, prevEvents));
    // 3. auth_events from the state before the event.
    Pdu provisional = new Pdu(version, json, "$provisional");
    Set<StateKey> slots = new LinkedHashSet<>(AuthRules.authEventTypes(provisional));
    Map<StateKey, Pdu> authState = new HashMap<>();
    List<Pdu> authEvents = new java.util.ArrayList<>();
    for (StateKey slot : slots) {
      Optional<Pdu> event = state.apply(slot);
      if (event.isPresent()) {
        authState.put(slot, event.get());
        authEvents.add(event.get());
      }
    }
    json.set("auth_events", references(version, authEvents));
    if (version.privilegedCreators() && !"m.room.create".equals(draft.type())) {
      // The auth rules of room version 12 read the create event, which auth_events no longer cite.
      state.apply(CREATE_SLOT).ifPresent(create -> authState.put(CREATE_SLOT, create));
    }
    // 4. Hashes and the event ID (which the signature does not change).
    try {
      return new Unsigned(signer.hash(json, version), authState);
    } catch (IllegalArgumentException e) {
      throw MatrixException.badJson("The event content cannot be encoded as canonical JSON: " + e.getMessage());
    }
  }

  private static void checkSize(int canonicalBytes) {
    if (canonicalBytes > MAX_EVENT_BYTES) {
      throw MatrixException.tooLarge("Event is larger than " + MAX_EVENT_BYTES + " bytes");
    }
  }

  private static void authorize(Pdu event, Map<StateKey, Pdu> authState) {
    AuthResult result = AuthRules.authorize(event, authState);
    if (result instanceof AuthResult.Rejected rejected) {
      throw new MatrixException(ErrorCode.FORBIDDEN, "You are not allowed to send this event (rule "
          + rejected.reason() + ")");
    }
  }

  /**
   * The {@code prev_events} / {@code auth_events} array naming {@code events} as {@code version} writes it:
   * v1–2 {@code [[id, {"sha256": reference hash}], ...]}, v3+ {@code [id, ...]}.
   */
  public static ArrayNode references(RoomVersion version, List<Pdu> events) {
    ArrayNode array = JsonMapper.shared().createArrayNode();
    for (Pdu event : events) {
      if (version.eventsCarryIds()) {
        ArrayNode pair = array.addArray();
        pair.add(event.eventId());
        pair.addObject().put("sha256", UnpaddedBase64.encode(ReferenceHash.compute(event.json(), version)));
      } else {
        array.add(event.eventId());
      }
    }
    return array;
  }

  private static void checkIdSize(String field, String value) {
    if (value.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
      throw MatrixException.tooLarge("Event " + field + " is longer than " + MAX_ID_BYTES + " bytes");
    }
  }
}
