package dev.larch.core.federation.join;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.UnpaddedBase64;
import dev.larch.core.event.EventSigner;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.ReferenceHash;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.EventBuilder;
import dev.larch.core.room.PersistResult;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.StoredEvent;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership changes of a local user in a room this server is not in: knocking ({@code make_knock} →
 * {@code send_knock}) and leaving, which rejects an invite or withdraws a knock ({@code make_leave} →
 * {@code send_leave}, v2 then v1). The resident server puts the event into the room; this server keeps its copy as
 * the user's out-of-band membership ({@link dev.larch.core.room.RoomStore#persistOutOfBandMembership}: an outlier
 * that sets the user's membership row but not the room's state, which we do not hold), so {@code /sync} moves the
 * room to {@code knock} or {@code leave}.
 *
 * <p>Spec: server-server API, "Knocking upon a room", "Leaving Rooms (Rejecting Invites)". When no server takes the
 * rejection of an invite (gone, or no longer knowing the room), the invite is rejected locally only, as Synapse does
 * (an "out-of-band" leave following the invite, signed by us), so that such an invite can still be dismissed.
 */
final class OutsiderMembership {
  private static final Logger log = LoggerFactory.getLogger(OutsiderMembership.class);

  private final RoomWriter writer;
  private final EventBuilder builder;
  private final EventSigner signer;
  private final FederationClient client;
  private final Consumer<String> wakeUser;

  OutsiderMembership(RoomWriter writer, EventBuilder builder, EventSigner signer, FederationClient client,
      Consumer<String> wakeUser) {
    this.writer = writer;
    this.builder = builder;
    this.signer = signer;
    this.client = client;
    this.wakeUser = wakeUser;
  }

  /** Knocks through the first candidate that works; the stored knock, carrying the room's stripped state. */
  Pdu knock(String userId, String roomId, List<String> candidates, ObjectNode content) {
    CandidateFailures failures = new CandidateFailures("knock", roomId);
    List<RoomVersion> knockable = RoomVersion.all().stream().filter(RoomVersion::supportsKnocking).toList();
    for (String server : candidates) {
      try {
        MembershipTemplate template = MembershipTemplate.fetch(client, server, MembershipTemplate.Kind.KNOCK, roomId,
            userId, knockable);
        Pdu event = template.complete(signer, builder.clock().millis(), content, this::newEventId);
        JsonNode answer = client.request(server, "PUT", "/_matrix/federation/v1/send_knock/"
            + PathSegment.encode(roomId) + "/" + PathSegment.encode(event.eventId()), event.json());
        JsonNode roomState = answer.get("knock_room_state");
        return store(withUnsigned(event, "knock_room_state", roomState != null && roomState.isArray()
            ? roomState : JsonMapper.shared().createArrayNode()));
      } catch (RemoteServerException e) {
        failures.add(e);
      }
    }
    throw failures.toMatrixException();
  }

  /**
   * Leaves through the first candidate that works; the stored leave. If none answered at all and the user holds an
   * invite, the invite is rejected locally.
   */
  Pdu leave(String userId, String roomId, List<String> candidates, ObjectNode content) {
    CandidateFailures failures = new CandidateFailures("leave", roomId);
    for (String server : candidates) {
      try {
        MembershipTemplate template = MembershipTemplate.fetch(client, server, MembershipTemplate.Kind.LEAVE, roomId,
            userId, RoomVersion.all());
        Pdu event = template.complete(signer, builder.clock().millis(), content, this::newEventId);
        sendLeave(server, roomId, event);
        return store(event);
      } catch (RemoteServerException e) {
        failures.add(e);
      }
    }
    Optional<StoredEvent> invite = OwnMembership.event(writer.store(), roomId, userId)
        .filter(e -> "invite".equals(e.pdu().membership()));
    if (invite.isEmpty()) {
      throw failures.toMatrixException();
    }
    log.info("no server took the invite's rejection, rejecting it locally room={} user={}", roomId, userId);
    return store(localRejection(invite.get().pdu(), content));
  }

  private void sendLeave(String server, String roomId, Pdu event) {
    String ids = PathSegment.encode(roomId) + "/" + PathSegment.encode(event.eventId());
    try {
      client.request(server, "PUT", "/_matrix/federation/v2/send_leave/" + ids, event.json());
    } catch (RemoteServerException e) {
      if (!RemoteJoin.unrecognized(e)) {
        throw e;
      }
      client.request(server, "PUT", "/_matrix/federation/v1/send_leave/" + ids, event.json());
    }
  }

  // Our own membership in a room we are not in: out of band, since we hold neither the room's state nor the
  // event's prev events.
  private Pdu store(Pdu event) {
    PersistResult result = writer.store().persistOutOfBandMembership(event);
    if (!result.alreadyStored()) {
      wakeUser.accept(event.stateKey());
    }
    return event;
  }

  // A leave that follows the invite and cites it as its only prev and auth event, signed by us.
  private Pdu localRejection(Pdu invite, ObjectNode extraContent) {
    RoomVersion version = invite.roomVersion();
    ObjectNode json = JsonMapper.shared().createObjectNode();
    json.put("room_id", invite.roomId());
    json.put("sender", invite.stateKey());
    json.put("type", "m.room.member");
    json.put("state_key", invite.stateKey());
    ObjectNode content = extraContent.deepCopy();
    content.put("membership", "leave");
    json.set("content", content);
    json.put("depth", invite.depth() + 1);
    json.put("origin_server_ts", builder.clock().millis());
    if (!version.implicitRoomCreator()) {
      json.put("origin", signer.serverName());
    }
    if (version.eventsCarryIds()) {
      json.put("event_id", newEventId());
    }
    json.set("prev_events", reference(invite));
    json.set("auth_events", reference(invite));
    return signer.hashAndSign(json, version);
  }

  private static ArrayNode reference(Pdu event) {
    ArrayNode array = JsonMapper.shared().createArrayNode();
    if (event.roomVersion().eventsCarryIds()) {
      ArrayNode pair = array.addArray();
      pair.add(event.eventId());
      pair.addObject().put("sha256",
          UnpaddedBase64.encode(ReferenceHash.compute(event.json(), event.roomVersion())));
    } else {
      array.add(event.eventId());
    }
    return array;
  }

  static Pdu withUnsigned(Pdu event, String field, JsonNode value) {
    ObjectNode json = event.json().deepCopy();
    JsonNode unsigned = json.get("unsigned");
    ObjectNode target = unsigned instanceof ObjectNode o ? o : json.putObject("unsigned");
    target.set(field, value.deepCopy());
    return new Pdu(event.roomVersion(), json, event.eventId());
  }

  private String newEventId() {
    return "$" + builder.randomId(18) + ":" + signer.serverName();
  }
}
