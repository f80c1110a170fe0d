package dev.larch.core.room;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.alias.AliasStore;
import dev.larch.core.auth.PowerLevels;
import dev.larch.core.auth.RedactionRules;
import dev.larch.core.directory.RoomDirectoryStore;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.ClientEventFormat;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.Redactor;
import dev.larch.core.event.StateKey;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.profile.Profile;
import dev.larch.core.profile.ProfileStore;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creating rooms and writing into them: {@code POST /createRoom}, {@code PUT /send}, {@code PUT /state},
 * {@code PUT /redact}. Spec: client-server API, "Room creation", "Sending events to a room", "Redactions".
 */
public final class RoomService {
  private static final Logger log = LoggerFactory.getLogger(RoomService.class);

  private final RoomStore store;
  private final EventSender sender;
  private final AliasStore aliases;
  private final ProfileStore profiles;
  private final RoomDirectoryStore directory;

  public RoomService(RoomStore store, EventSender sender, AliasStore aliases, ProfileStore profiles) {
    this(store, sender, aliases, profiles, null);
  }

  /** With {@code directory} (null: none), where rooms created with {@code visibility: public} are published. */
  public RoomService(RoomStore store, EventSender sender, AliasStore aliases, ProfileStore profiles,
      RoomDirectoryStore directory) {
    this.store = store;
    this.sender = sender;
    this.aliases = aliases;
    this.profiles = profiles;
    this.directory = directory;
  }

  /**
   * Creates a room as {@code creator} and returns its ID. Every event is built and checked before the first is
   * stored; the alias is claimed next ({@code M_ROOM_IN_USE} if taken), then the events are persisted.
   */
  public String createRoom(String creator, NewRoom request) {
    RoomCreation creation = new RoomCreation(sender.builder(), creator, request);
    String alias = creation.alias();
    if (alias != null && aliases.get(alias).isPresent()) {
      throw new MatrixException(ErrorCode.ROOM_IN_USE, "Room alias " + alias + " is already in use");
    }
    List<Pdu> events = creation.build(profiles.get(creator).orElse(Profile.EMPTY), alias);
    String roomId = creation.roomId();
    if (alias != null && !aliases.create(alias, roomId, creator)) {
      throw new MatrixException(ErrorCode.ROOM_IN_USE, "Room alias " + alias + " is already in use");
    }
    try {
      sender.persistNewRoom(events);
    } catch (RuntimeException e) {
      if (alias != null) {
        aliases.delete(alias);
      }
      throw e;
    }
    // Spec: "visibility: public ... will be shown in the published room list".
    if ("public".equals(request.visibility()) && directory != null) {
      directory.setPublished(roomId, true);
    }
    log.info("room created room={} version={} events={}", roomId, events.get(0).roomVersion().identifier(),
        events.size());
    return roomId;
  }

  /** {@code PUT /rooms/{roomId}/send/{eventType}/{txnId}}: the event ID, the same for a repeated txn ID. */
  public String send(String userId, String deviceId, String roomId, String type, String txnId, ObjectNode content) {
    return sender.send(roomId, userId, EventDraft.message(type, content), txn(userId, deviceId, txnId)).eventId();
  }

  /**
   * {@link #send} without waiting for the room's other senders: the event ID once committed ({@link
   * EventSender#sendAsync}).
   */
  public CompletableFuture<String> sendAsync(
      String userId, String deviceId, String roomId, String type, String txnId, ObjectNode content) {
    return sender.sendAsync(roomId, userId, EventDraft.message(type, content), txn(userId, deviceId, txnId))
        .thenApply(EventSender.Sent::eventId);
  }

  private static Optional<TxnKey> txn(String userId, String deviceId, String txnId) {
    return Optional.of(new TxnKey(userId, deviceId == null ? "" : deviceId, txnId));
  }

  /**
   * {@code PUT /rooms/{roomId}/state/{eventType}/{stateKey}}. Setting a slot to exactly what the user already set it
   * to sends nothing and returns the existing event, so a retried request does not add an event.
   */
  public String setState(String userId, String roomId, String type, String stateKey, ObjectNode content) {
    return sender.locks().withLock(roomId, () -> {
      Optional<StoredEvent> current = store.currentStateEventId(roomId, StateKey.of(type, stateKey))
          .flatMap(store::event);
      if (current.isPresent() && userId.equals(current.get().pdu().sender())
          && current.get().pdu().content().equals(content)) {
        return current.get().eventId();
      }
      return sender.send(roomId, userId, EventDraft.state(type, stateKey, content), Optional.empty()).eventId();
    });
  }

  /**
   * {@code PUT /rooms/{roomId}/redact/{eventId}/{txnId}}. A user may redact their own events, or others' when at the
   * room's {@code redact} level. Once the redaction is sent, the stored target is replaced by its redacted form
   * (room version's redaction algorithm) with {@code unsigned.redacted_because}, if the redaction rules allow.
   */
  public String redact(
      String userId, String deviceId, String roomId, String eventId, String txnId, String reason) {
    Optional<StoredEvent> target = store.event(eventId).filter(e -> roomId.equals(e.pdu().roomId()));
    RoomVersion version =
        store.roomVersion(roomId).orElseThrow(() -> MatrixException.notFound("Unknown room " + roomId));
    PowerLevels levels = powerLevels(roomId, version);
    if (target.isPresent() && !userId.equals(target.get().pdu().sender())
        && levels.userLevel(userId) < levels.redact()) {
      throw MatrixException.forbidden("You are not allowed to redact other users' events in this room");
    }
    ObjectNode content = JsonMapper.shared().createObjectNode();
    if (reason != null) {
      content.put("reason", reason);
    }
    EventSender.Sent sent =
        sender.send(roomId, userId, EventDraft.redaction(eventId, content), txn(userId, deviceId, txnId));
    if (!sent.alreadySent() && target.isPresent() && target.get().status().visibleToClients()) {
      apply(sent.event(), target.get().pdu(), powerLevels(roomId, version));
    }
    return sent.eventId();
  }

  private void apply(Pdu redaction, Pdu target, PowerLevels levels) {
    if (!RedactionRules.mayApply(redaction, target, levels)) {
      return;
    }
    ObjectNode redacted = Redactor.redact(target.json(), target.roomVersion());
    ObjectNode because = ClientEventFormat.format(redaction, redaction.originServerTs(), null);
    because.remove("unsigned");
    redacted.putObject("unsigned").set("redacted_because", because);
    store.replaceWithRedacted(target.eventId(), redacted);
    log.debug("event redacted room={} event={} redaction={}", target.roomId(), target.eventId(),
        redaction.eventId());
  }

  /** The room's current power levels. */
  PowerLevels powerLevels(String roomId, RoomVersion version) {
    Pdu create = stateEvent(roomId, "m.room.create").orElse(null);
    Pdu levels = stateEvent(roomId, "m.room.power_levels").orElse(null);
    return PowerLevels.of(version, create, levels);
  }

  private Optional<Pdu> stateEvent(String roomId, String type) {
    return store.currentStateEventId(roomId, StateKey.of(type, "")).flatMap(store::event)
        .map(StoredEvent::pdu).filter(Objects::nonNull);
  }
}
