package dev.larch.core.directory;

import dev.larch.core.auth.PowerLevels;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.id.RoomId;
import dev.larch.core.id.ServerName;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.StoredEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public room directory: which rooms this server publishes, and the list of them that {@code /publicRooms}
 * (client API) and the federation {@code publicRooms} endpoint serve.
 *
 * <p>Spec: client-server API v1.11, "Listing rooms": {@code GET/PUT /directory/list/room/{roomId}} and
 * {@code GET/POST /publicRooms}. Who may change a room's visibility the spec leaves to the server ("for instance
 * ... the room creator or a server administrator"); here, as in Synapse, a joined member whose power level allows
 * sending {@code m.room.canonical_alias}, the room's other piece of directory information (the creator has it by
 * default). This server has no server administrators yet.
 *
 * <p>The list is read from current state on each request, which suits the few rooms a node publishes.
 */
public final class RoomDirectoryService {
  private static final Logger log = LoggerFactory.getLogger(RoomDirectoryService.class);

  /** How long a neighbour's list is waited for (Dendrite's fan-out allows 5 s in all). */
  static final long NEIGHBOUR_TIMEOUT_MS = 5_000;
  /** How many rooms a neighbour is asked for (Dendrite asks for 200). */
  static final int NEIGHBOUR_LIMIT = 200;

  /** The most rooms in one page, whatever {@code limit} asks for. */
  public static final int MAX_LIMIT = 500;

  private final RoomDirectoryStore store;
  private final RoomStore rooms;
  private final RemotePublicRooms remote;
  private final String serverName;
  private final PublicRoomSummaries summaries;
  private volatile Supplier<Collection<String>> neighbours = List::of;

  public RoomDirectoryService(RoomDirectoryStore store, RoomStore rooms, RemotePublicRooms remote,
      String serverName) {
    this.store = Objects.requireNonNull(store, "store");
    this.rooms = Objects.requireNonNull(rooms, "rooms");
    this.remote = Objects.requireNonNull(remote, "remote");
    this.serverName = Objects.requireNonNull(serverName, "serverName");
    this.summaries = new PublicRoomSummaries(rooms);
  }

  /**
   * P2P mode: {@code neighbours} gives the servers directly connected on the overlay, whose published rooms the
   * first page of this server's list also shows (asked with the federation {@code publicRooms}, as Dendrite's P2P
   * nodes do; listings reach one hop). A neighbour that does not answer within {@link #NEIGHBOUR_TIMEOUT_MS} is
   * left out.
   */
  public void includeNeighbours(Supplier<Collection<String>> neighbours) {
    this.neighbours = Objects.requireNonNull(neighbours, "neighbours");
  }

  /** {@code GET /directory/list/room/{roomId}}: {@code public} or {@code private}; 404 for an unknown room. */
  public String visibility(String roomId) {
    requireKnown(roomId);
    return store.isPublished(roomId) ? "public" : "private";
  }

  /** {@code PUT /directory/list/room/{roomId}} with {@code public} or {@code private}. */
  public void setVisibility(String userId, String roomId, String visibility) {
    if (!"public".equals(visibility) && !"private".equals(visibility)) {
      throw MatrixException.invalidParam("visibility must be public or private");
    }
    RoomVersion version = requireKnown(roomId);
    if (!isJoined(userId, roomId)) {
      throw MatrixException.forbidden("You must be in the room to change its directory visibility");
    }
    PowerLevels levels = PowerLevels.of(version, state(roomId, "m.room.create"), state(roomId, "m.room.power_levels"));
    if (levels.userLevel(userId) < levels.requiredLevel("m.room.canonical_alias", true)) {
      throw MatrixException.forbidden("Your power level is too low to change the room's directory visibility");
    }
    store.setPublished(roomId, "public".equals(visibility));
    log.info("room directory visibility room={} visibility={}", roomId, visibility);
  }

  /**
   * {@code GET/POST /publicRooms}: this server's list, or with {@code server} naming another server that server's
   * list through {@link RemotePublicRooms}.
   */
  public CompletionStage<PublicRoomsPage> publicRooms(String server, PublicRoomsQuery query) {
    if (server == null || server.isEmpty() || server.equals(serverName)) {
      PublicRoomsPage local = localPublicRooms(query);
      Collection<String> peers = neighbours.get();
      if (query.since() != null || peers.isEmpty()) {
        return CompletableFuture.completedFuture(local);
      }
      return withNeighbours(local, peers, query);
    }
    if (!ServerName.isValid(server)) {
      throw MatrixException.invalidParam("server is not a server name: " + server);
    }
    return remote.fetch(server, query);
  }

  // The first page, merged with the neighbours' rooms: one list, no room twice (ours win), largest first.
  private CompletionStage<PublicRoomsPage> withNeighbours(PublicRoomsPage local, Collection<String> peers,
      PublicRoomsQuery query) {
    PublicRoomsQuery peerQuery = new PublicRoomsQuery(NEIGHBOUR_LIMIT, null, query.searchTerm(), query.roomTypes(),
        query.includeAllNetworks(), query.thirdPartyInstanceId());
    List<CompletableFuture<PublicRoomsPage>> answers = new ArrayList<>();
    for (String peer : peers) {
      if (peer.equals(serverName)) {
        continue;
      }
      answers.add(remote.fetch(peer, peerQuery).toCompletableFuture()
          .completeOnTimeout(null, NEIGHBOUR_TIMEOUT_MS, TimeUnit.MILLISECONDS)
          .exceptionally(e -> null));
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(done -> {
      Map<String, PublicRoom> merged = new LinkedHashMap<>();
      local.chunk().forEach(room -> merged.put(room.roomId(), room));
      for (CompletableFuture<PublicRoomsPage> answer : answers) {
        PublicRoomsPage page = answer.join();
        if (page != null) {
          page.chunk().forEach(room -> merged.putIfAbsent(room.roomId(), room));
        }
      }
      List<PublicRoom> rooms = new ArrayList<>(merged.values());
      rooms.sort(PublicRoomsToken.ORDER);
      int limit = query.limit() == null || query.limit() == 0 ? MAX_LIMIT : Math.min(query.limit(), MAX_LIMIT);
      List<PublicRoom> page = rooms.subList(0, Math.min(limit, rooms.size()));
      return new PublicRoomsPage(page, local.nextBatch(), null,
          local.totalRoomCountEstimate() + rooms.size() - local.chunk().size());
    });
  }

  /**
   * One page of the rooms this server publishes that match {@code query}, largest first (joined members, then
   * room ID). Also what the federation {@code publicRooms} endpoint answers other servers.
   */
  public PublicRoomsPage localPublicRooms(PublicRoomsQuery query) {
    PublicRoomsToken since = query.since() == null ? null : PublicRoomsToken.parse(query.since());
    List<PublicRoom> matching = new ArrayList<>();
    for (String roomId : store.publishedRooms()) {
      PublicRoom room = summaries.summary(roomId);
      // A room every member has left can no longer be joined through this server.
      if (room != null && room.numJoinedMembers() > 0 && matches(room, query)) {
        matching.add(room);
      }
    }
    matching.sort(PublicRoomsToken.ORDER);
    int limit = query.limit() == null || query.limit() == 0 ? MAX_LIMIT : Math.min(query.limit(), MAX_LIMIT);
    int from;
    int to;
    if (since == null) {
      from = 0;
      to = Math.min(limit, matching.size());
    } else if (since.forward()) {
      from = firstAtOrAfter(matching, since, false);
      to = Math.min(from + limit, matching.size());
    } else {
      to = firstAtOrAfter(matching, since, true);
      from = Math.max(0, to - limit);
    }
    List<PublicRoom> page = matching.subList(from, to);
    String next = to < matching.size() && !page.isEmpty() ? PublicRoomsToken.after(page.get(page.size() - 1)).encode()
        : null;
    String prev = from > 0 && !page.isEmpty() ? PublicRoomsToken.before(page.get(0)).encode() : null;
    return new PublicRoomsPage(page, next, prev, matching.size());
  }

  // The index of the first room after the position (or at it, when inclusive).
  private static int firstAtOrAfter(List<PublicRoom> sorted, PublicRoomsToken position, boolean inclusive) {
    int i = 0;
    while (i < sorted.size()) {
      int cmp = position.compareTo(sorted.get(i));
      if (cmp > 0 || inclusive && cmp == 0) {
        break;
      }
      i++;
    }
    return i;
  }

  static boolean matches(PublicRoom room, PublicRoomsQuery query) {
    if (query.roomTypes() != null && !query.roomTypes().isEmpty()
        && !query.roomTypes().contains(room.roomType())) {
      return false;
    }
    if (query.searchTerm() == null) {
      return true;
    }
    String term = query.searchTerm().toLowerCase(Locale.ROOT);
    for (String field : new String[] {room.name(), room.topic(), room.canonicalAlias(), room.roomId()}) {
      if (field != null && field.toLowerCase(Locale.ROOT).contains(term)) {
        return true;
      }
    }
    return false;
  }

  private RoomVersion requireKnown(String roomId) {
    RoomId.parse(roomId);
    return rooms.roomVersion(roomId).orElseThrow(() -> MatrixException.notFound("Room not found"));
  }

  private boolean isJoined(String userId, String roomId) {
    return rooms.currentStateEventId(roomId, StateKey.of("m.room.member", userId)).flatMap(rooms::event)
        .map(e -> "join".equals(e.pdu().membership())).orElse(false);
  }

  private Pdu state(String roomId, String type) {
    return rooms.currentStateEventId(roomId, StateKey.of(type, "")).flatMap(rooms::event)
        .map(StoredEvent::pdu).orElse(null);
  }
}
