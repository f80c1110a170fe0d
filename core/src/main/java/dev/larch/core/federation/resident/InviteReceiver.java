package dev.larch.core.federation.resident;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.EventSigner;
import dev.larch.core.event.EventVerdict;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.PduVerifier;
import dev.larch.core.federation.keys.ServerKeys;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.EventBuilder;
import dev.larch.core.room.PersistResult;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.sync.SyncNotifier;
import dev.larch.core.user.AccountStore;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code PUT /_matrix/federation/v2/invite/{roomId}/{eventId}}: another server invites one of our users. We check
 * the invite, sign it (the invite is valid only with the invitee's server's signature) and give it back.
 *
 * <p>Spec: server-server API v1.11, "Inviting to a room". Checks: the room version is one we support (400
 * {@code M_INCOMPATIBLE_ROOM_VERSION}); the event is of that version, has the path's ID and room, is an
 * {@code m.room.member} invite (400) of a user of ours who exists (403 / 404), sent by a user of the origin and
 * validly signed by it (403); a room whose state we hold must not deny the origin by ACL (403).
 *
 * <p>If a user of ours is joined to the room, the invite reaches us again as a room event through the inviting
 * server's transactions, and enters the room's DAG then; nothing is stored now. Otherwise it is stored as an
 * out-of-band membership ({@link RoomStore#persistOutOfBandMembership}) with the {@code invite_room_state} the
 * inviter sent in its {@code unsigned}, so {@code /sync} shows the invite with that stripped state.
 */
public final class InviteReceiver {
  private static final Logger log = LoggerFactory.getLogger(InviteReceiver.class);

  private final RoomStore store;
  private final RoomAccess access;
  private final ServerKeys keys;
  private final EventSigner signer;
  private final AccountStore accounts;
  private final SyncNotifier notifier;

  public InviteReceiver(RoomStore store, RoomAccess access, ServerKeys keys, EventSigner signer,
      AccountStore accounts, SyncNotifier notifier) {
    this.store = store;
    this.access = access;
    this.keys = keys;
    this.signer = signer;
    this.accounts = accounts;
    this.notifier = notifier;
  }

  /** The v2 answer: {@code {"event": the invite with our signature}}. */
  public ObjectNode invite(String origin, String roomId, String eventId, ObjectNode body) {
    JsonNode versionNode = body.get("room_version");
    JsonNode eventNode = body.get("event");
    if (versionNode == null || !versionNode.isTextual() || !(eventNode instanceof ObjectNode eventJson)) {
      throw MatrixException.badJson("An invite needs room_version (a string) and event (an object)");
    }
    String versionId = versionNode.textValue();
    RoomVersion version = RoomVersion.byIdentifier(versionId)
        .orElseThrow(() -> new MatrixException(ErrorCode.INCOMPATIBLE_ROOM_VERSION,
            "This server does not support room version " + versionId, Map.of("room_version", versionId), null));
    Pdu event = Pdu.fromJson(version, eventJson);
    String invitee = check(origin, roomId, eventId, event);
    long at = version.enforcesKeyValidity() ? event.originServerTs() : ServerKeys.ANY_TIME;
    EventVerdict verdict = PduVerifier.verify(event, keys.lookupAt(at));
    if (!verdict.isSignedByAll(PduVerifier.expectedSigners(event)) || !verdict.contentHashOk()) {
      throw MatrixException.forbidden("The invite is not validly signed by " + origin);
    }
    Optional<RoomVersion> known = store.roomVersion(roomId);
    if (known.isPresent() && !access.acl(roomId).allows(origin)) {
      throw MatrixException.forbidden("Server " + origin + " is denied by the room's server ACL");
    }
    Pdu signed = signer.addSignature(event);
    if (known.isPresent() && access.serverJoined(roomId, access.serverName())) {
      log.info("invite signed, the room's own events will bring it room={} event={} invitee={}", roomId,
          eventId, invitee);
    } else {
      PersistResult result = store.persistOutOfBandMembership(withInviteRoomState(signed, body));
      if (!result.alreadyStored()) {
        notifier.notifyUser(invitee);
      }
      log.info("remote invite stored room={} event={} invitee={} origin={}", roomId, eventId, invitee, origin);
    }
    ObjectNode out = JsonMapper.shared().createObjectNode();
    out.set("event", signed.json());
    return out;
  }

  // The event's shape; returns the invitee.
  private String check(String origin, String roomId, String eventId, Pdu event) {
    if (!event.eventId().equals(eventId)) {
      throw MatrixException.invalidParam("The event's ID is " + event.eventId() + ", not " + eventId);
    }
    if (!roomId.equals(event.roomId())) {
      throw MatrixException.invalidParam("The event is not of room " + roomId);
    }
    if (!"m.room.member".equals(event.type()) || !"invite".equals(event.membership())
        || event.stateKey() == null) {
      throw MatrixException.invalidParam("Expected an m.room.member event with membership invite");
    }
    if (event.canonicalJson().length > EventBuilder.MAX_EVENT_BYTES) {
      throw MatrixException.tooLarge("Event is larger than " + EventBuilder.MAX_EVENT_BYTES + " bytes");
    }
    if (!RoomAccess.belongsTo(event.sender(), origin)) {
      throw MatrixException.forbidden("The inviting user " + event.sender() + " does not belong to " + origin);
    }
    String invitee = event.stateKey();
    if (!RoomAccess.belongsTo(invitee, access.serverName())) {
      throw MatrixException.forbidden("User " + invitee + " is not a user of this server");
    }
    if (accounts.user(invitee).filter(account -> !account.deactivated()).isEmpty()) {
      throw MatrixException.notFound("Unknown user " + invitee);
    }
    return invitee;
  }

  // The stored form: the signed event with the inviter's stripped state in unsigned, which no hash covers.
  private static Pdu withInviteRoomState(Pdu signed, ObjectNode body) {
    ObjectNode json = signed.json().deepCopy();
    JsonNode roomState = body.get("invite_room_state");
    if (roomState != null && roomState.isArray()) {
      JsonNode unsigned = json.get("unsigned");
      ObjectNode target = unsigned instanceof ObjectNode u ? u : json.putObject("unsigned");
      target.set("invite_room_state", roomState.deepCopy());
    }
    return new Pdu(signed.roomVersion(), json, signed.eventId());
  }
}
