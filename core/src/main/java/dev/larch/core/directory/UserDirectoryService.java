package dev.larch.core.directory;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.StateKey;
import dev.larch.core.profile.Profile;
import dev.larch.core.profile.ProfileStore;
import dev.larch.core.room.Membership;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.StoredEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user directory search: the users who share a joined room with the requester, or are joined to a public room
 * (published in the room directory, or with join rule {@code public}), whose user ID localpart or display name
 * contains the search term, case-insensitively; plus what {@link RemoteProfiles} finds.
 *
 * <p>Spec: client-server API v1.11, {@code POST /user_directory/search}: "MUST at a minimum consider the users the
 * requesting user shares a room with and those who reside in public rooms (known to the homeserver)"; results
 * "ordered by rank and then whether or not profile info is available". Rank here: a name or localpart that starts
 * with the term (or has a word that does) before one that merely contains it. The requester is left out. Display
 * names come from the users' member events, and for local users from their profile.
 *
 * <p>Computed from room state on each request, which suits a node's few rooms; a large server would want an index.
 */
public final class UserDirectoryService {
  private static final Logger log = LoggerFactory.getLogger(UserDirectoryService.class);

  /** {@code limit} when the request has none (the spec's default). */
  public static final int DEFAULT_LIMIT = 10;
  /** The most results of one search. */
  public static final int MAX_LIMIT = 100;

  private final RoomStore rooms;
  private final RoomDirectoryStore directory;
  private final ProfileStore profiles;
  private final RemoteProfiles remote;
  private final String localSuffix;

  public UserDirectoryService(RoomStore rooms, RoomDirectoryStore directory, ProfileStore profiles,
      RemoteProfiles remote, String serverName) {
    this.rooms = Objects.requireNonNull(rooms, "rooms");
    this.directory = Objects.requireNonNull(directory, "directory");
    this.profiles = Objects.requireNonNull(profiles, "profiles");
    this.remote = Objects.requireNonNull(remote, "remote");
    this.localSuffix = ":" + Objects.requireNonNull(serverName, "serverName");
  }

  /** The response: the results, and whether {@code limit} cut them short. */
  public record Result(List<DirectoryUser> results, boolean limited) {
    public Result {
      results = List.copyOf(results);
    }
  }

  /** {@code POST /user_directory/search} for {@code requester}. */
  public CompletionStage<Result> search(String requester, String searchTerm, int limit) {
    if (limit < 0) {
      throw MatrixException.invalidParam("limit must not be negative");
    }
    int max = Math.min(limit, MAX_LIMIT);
    String term = searchTerm.trim().toLowerCase(Locale.ROOT);
    List<Candidate> local = localMatches(requester, term);
    return remote.search(searchTerm, max)
        .exceptionally(e -> {
          log.warn("remote profile search failed: {}", e.toString());
          return List.of();
        })
        .thenApply(remoteUsers -> {
          Map<String, Candidate> all = new LinkedHashMap<>();
          local.forEach(c -> all.put(c.user().userId(), c));
          for (DirectoryUser user : remoteUsers) {
            if (!user.userId().equals(requester)) {
              all.putIfAbsent(user.userId(), new Candidate(user, rank(user, term)));
            }
          }
          List<Candidate> sorted = new ArrayList<>(all.values());
          sorted.sort(Comparator.comparingInt(Candidate::rank)
              .thenComparing(c -> c.user().displayName() == null)
              .thenComparing(c -> c.user().userId()));
          List<DirectoryUser> results = new ArrayList<>();
          for (int i = 0; i < Math.min(max, sorted.size()); i++) {
            results.add(withProfile(sorted.get(i).user()));
          }
          return new Result(results, sorted.size() > max);
        });
  }

  /**
   * This server's users who are joined to a public room and match {@code searchTerm}, best matches first: what the
   * node shows its overlay peers at {@code /_matrix/p2p/profiles} (users no one could find otherwise stay hidden).
   */
  public List<DirectoryUser> publicLocalUsers(String searchTerm, int limit) {
    String term = searchTerm == null ? "" : searchTerm.trim().toLowerCase(Locale.ROOT);
    List<Candidate> matches = new ArrayList<>();
    for (Candidate candidate : localMatches("", term)) {
      if (candidate.user().userId().endsWith(localSuffix)) {
        matches.add(candidate);
      }
    }
    matches.sort(Comparator.comparingInt(Candidate::rank).thenComparing(c -> c.user().userId()));
    List<DirectoryUser> out = new ArrayList<>();
    for (int i = 0; i < Math.min(Math.min(limit, MAX_LIMIT), matches.size()); i++) {
      out.add(withProfile(matches.get(i).user()));
    }
    return out;
  }

  private record Candidate(DirectoryUser user, int rank) {}

  private List<Candidate> localMatches(String requester, String term) {
    Set<String> roomIds = new LinkedHashSet<>();
    for (Membership membership : rooms.membershipsOf(requester)) {
      if ("join".equals(membership.membership())) {
        roomIds.add(membership.roomId());
      }
    }
    roomIds.addAll(publicRooms());
    Map<String, String> memberEvents = new HashMap<>(); // user -> one of their join events
    for (String roomId : roomIds) {
      for (Membership member : rooms.members(roomId)) {
        if ("join".equals(member.membership()) && !member.userId().equals(requester)) {
          memberEvents.putIfAbsent(member.userId(), member.eventId());
        }
      }
    }
    List<Candidate> out = new ArrayList<>();
    for (StoredEvent event : rooms.events(new ArrayList<>(memberEvents.values()))) {
      JsonNode content = event.pdu().content();
      DirectoryUser user = new DirectoryUser(event.pdu().stateKey(), nonEmpty(content.get("displayname")),
          nonEmpty(content.get("avatar_url")));
      int rank = rank(user, term);
      if (rank >= 0) {
        out.add(new Candidate(user, rank));
      }
    }
    return out;
  }

  // Rooms published in the directory, and rooms anyone may join.
  private Set<String> publicRooms() {
    Set<String> out = new LinkedHashSet<>(directory.publishedRooms());
    Map<String, String> joinRules = directory.currentStateAcrossRooms(StateKey.of("m.room.join_rules", ""));
    for (StoredEvent event : rooms.events(new ArrayList<>(joinRules.values()))) {
      if ("public".equals(event.pdu().content().path("join_rule").asText(null))) {
        out.add(event.pdu().roomId());
      }
    }
    return out;
  }

  /** 0: the localpart or a word of the display name starts with the term; 1: one contains it; -1: no match. */
  static int rank(DirectoryUser user, String term) {
    String id = user.userId().toLowerCase(Locale.ROOT);
    int colon = id.indexOf(':');
    String localpart = id.substring(1, colon < 0 ? id.length() : colon);
    String name = user.displayName() == null ? "" : user.displayName().toLowerCase(Locale.ROOT);
    if (term.isEmpty() || localpart.startsWith(term) || id.startsWith(term) || startsAWord(name, term)) {
      return 0;
    }
    return localpart.contains(term) || name.contains(term) ? 1 : -1;
  }

  private static boolean startsAWord(String name, String term) {
    for (int i = name.indexOf(term); i >= 0; i = name.indexOf(term, i + 1)) {
      if (i == 0 || !Character.isLetterOrDigit(name.charAt(i - 1))) {
        return true;
      }
    }
    return false;
  }

  // A local user's profile is the truth; a member event may carry a per-room name.
  private DirectoryUser withProfile(DirectoryUser user) {
    if (!user.userId().endsWith(localSuffix)) {
      return user;
    }
    Profile profile = profiles.get(user.userId()).orElse(null);
    return profile == null ? user : new DirectoryUser(user.userId(), profile.displayName(), profile.avatarUrl());
  }

  private static String nonEmpty(JsonNode value) {
    return value != null && value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
  }
}
