package dev.larch.core.federation.join;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.EventSigner;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.RoomEventListener;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.federation.keys.ServerKeys;
import dev.larch.core.id.RoomAlias;
import dev.larch.core.id.RoomId;
import dev.larch.core.id.ServerName;
import dev.larch.core.id.UserId;
import dev.larch.core.membership.RemoteMembership;
import dev.larch.core.room.EventSender;
import dev.larch.core.room.RemoteHistory;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.StoredEvent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The {@link RemoteMembership} port over federation: alias lookups ({@code query/directory}), remote joins
 * ({@link RemoteJoin}), knocks and leaves of rooms this server is not in ({@link OutsiderMembership}) and invites of
 * other servers' users ({@link RemoteInvite}), all through the {@link FederationClient} port.
 *
 * <p>Candidate servers, in order (as Synapse and Dendrite pick them): the ones the client named ({@code via},
 * {@code server_name}) or the alias lookup returned, the server of whoever invited the user, the servers in the
 * invite's stripped state, and the room ID's server (rooms before version 12), never this server itself.
 */
public final class FederatedMembership implements RemoteMembership {
  private final RoomStore store;
  private final String serverName;
  private final FederationClient client;
  private final RemoteJoin joins;
  private final OutsiderMembership outsider;
  private final RemoteInvite invites;
  private final OnDemandBackfill history;

  /**
   * @param sender the local event sender, for its builder (clock, IDs, authorization) and room locks
   * @param signer this server's signer, the one {@code sender}'s builder signs with
   * @param listeners the room event listeners {@code sender} tells (sync, the federation sender)
   * @param wakeUser wakes a user's {@code /sync} long-polls (an out-of-band knock or leave is no room event)
   */
  public FederatedMembership(RoomStore store, EventSender sender, EventSigner signer, FederationClient client,
      ServerKeys keys, List<RoomEventListener> listeners, Consumer<String> wakeUser) {
    this.store = store;
    this.serverName = signer.serverName();
    this.client = client;
    RoomWriter writer = new RoomWriter(store, listeners);
    ReceivedEvents received = new ReceivedEvents(keys);
    HistoryBackfill backfill = new HistoryBackfill(store, client, received);
    this.joins = new RemoteJoin(writer, sender.locks(), sender.builder(), signer, client, received, backfill);
    this.history = new OnDemandBackfill(store, sender.locks(), backfill, serverName);
    this.outsider = new OutsiderMembership(writer, sender.builder(), signer, client, wakeUser);
    this.invites = new RemoteInvite(writer, sender.locks(), sender.builder(), signer, client, received);
  }

  /** Older history of the rooms this server is in, fetched from their other servers when clients page back. */
  public RemoteHistory history() {
    return history;
  }

  @Override
  public ResolvedAlias resolveAlias(String alias) {
    RoomAlias parsed = RoomAlias.parse(alias);
    String server = parsed.serverName().value();
    JsonNode answer;
    try {
      answer = client.get(server, "/_matrix/federation/v1/query/directory?room_alias="
          + PathSegment.encode(parsed.toString()));
    } catch (RemoteServerException e) {
      if (e.status().orElse(0) == 404) {
        throw MatrixException.notFound("Room alias " + parsed + " not found");
      }
      CandidateFailures failures = new CandidateFailures("look up the alias of", parsed.toString());
      failures.add(e);
      throw failures.toMatrixException();
    }
    Optional<String> roomId = ReceivedEvents.text(answer, "room_id").filter(RoomId::isValid);
    if (roomId.isEmpty()) {
      throw MatrixException.notFound("Room alias " + parsed + " not found");
    }
    List<String> servers = new ArrayList<>();
    servers.add(server);
    for (JsonNode name : ReceivedEvents.array(answer, "servers")) {
      if (name.isTextual() && ServerName.isValid(name.textValue())) {
        servers.add(name.textValue());
      }
    }
    return new ResolvedAlias(roomId.get(), servers.stream().distinct().toList());
  }

  @Override
  public String join(String userId, String roomId, List<String> servers, ObjectNode content) {
    return joins.join(userId, roomId, candidates(roomId, userId, servers), content).eventId();
  }

  @Override
  public String knock(String userId, String roomId, List<String> servers, ObjectNode content) {
    return outsider.knock(userId, roomId, candidates(roomId, userId, servers), content).eventId();
  }

  @Override
  public String leave(String userId, String roomId, ObjectNode content) {
    return outsider.leave(userId, roomId, candidates(roomId, userId, List.of()), content).eventId();
  }

  @Override
  public String invite(String inviter, String roomId, String invitee, ObjectNode content) {
    return invites.invite(inviter, roomId, invitee, content).eventId();
  }

  /** The servers to try for {@code userId} in {@code roomId}, given the ones the client or alias named. */
  List<String> candidates(String roomId, String userId, List<String> named) {
    Set<String> servers = new LinkedHashSet<>(named);
    Optional<Pdu> membership = OwnMembership.event(store, roomId, userId).map(StoredEvent::pdu);
    membership.flatMap(m -> UserId.tryParse(m.sender())).ifPresent(u -> servers.add(u.serverName().value()));
    membership.map(m -> m.json().path("unsigned").path("invite_room_state")).ifPresent(stripped -> {
      for (JsonNode event : stripped) {
        UserId.tryParse(event.path("sender").asText(null)).ifPresent(u -> servers.add(u.serverName().value()));
      }
    });
    RoomId.tryParse(roomId).flatMap(RoomId::serverName).ifPresent(s -> servers.add(s.value()));
    servers.remove(serverName);
    servers.removeIf(s -> !ServerName.isValid(s));
    return List.copyOf(servers);
  }
}
