package dev.larch.federation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.directory.RemotePublicRooms;
import dev.larch.core.directory.RoomDirectoryService;
import dev.larch.core.event.EventSigner;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.RoomEventListener;
import dev.larch.core.federation.events.FederationEventReads;
import dev.larch.core.federation.keys.ServerKeys;
import dev.larch.core.federation.query.FederationQueries;
import dev.larch.core.federation.query.UserKeyQueries;
import dev.larch.core.federation.resident.InviteReceiver;
import dev.larch.core.federation.resident.MembershipRelay;
import dev.larch.core.federation.resident.MembershipTemplates;
import dev.larch.core.federation.resident.RoomAccess;
import dev.larch.core.federation.resident.SendMembership;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.media.MediaService;
import dev.larch.core.media.MediaSettings;
import dev.larch.core.media.RemoteMediaSource;
import dev.larch.core.id.ServerName;
import dev.larch.core.membership.MembershipService;
import dev.larch.core.room.EventBuilder;
import dev.larch.core.room.EventSender;
import dev.larch.core.room.NewRoom;
import dev.larch.core.room.RoomLocks;
import dev.larch.core.room.RoomService;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.sync.SyncNotifier;
import dev.larch.core.user.NewUser;
import dev.larch.federation.directory.PublicRoomsRoutes;
import dev.larch.federation.events.EventRoutes;
import dev.larch.federation.media.MediaRoutes;
import dev.larch.federation.membership.MembershipRoutes;
import dev.larch.federation.query.QueryRoutes;
import dev.larch.federation.user.UserRoutes;
import dev.larch.storage.alias.JdbcAliasStore;
import dev.larch.storage.contract.TestDatabase;
import dev.larch.storage.directory.JdbcRoomDirectoryStore;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.keys.JdbcDeviceKeyStore;
import dev.larch.storage.keys.JdbcDeviceListStore;
import dev.larch.storage.media.FileContentStore;
import dev.larch.storage.media.JdbcMediaStore;
import dev.larch.storage.membership.JdbcForgottenRoomStore;
import dev.larch.storage.profile.JdbcProfileStore;
import dev.larch.storage.room.CachingRoomStore;
import dev.larch.storage.room.JdbcRoomStore;
import dev.larch.storage.user.JdbcAccountStore;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * This server's resident-side federation routes (membership, events, queries, users, public rooms, media) over
 * real stores on one {@link TestDatabase}, behind {@link TestFederation}, plus fake remote servers that sign
 * events with their own keys. What the routes heard is recorded: listener calls and relayed events.
 */
public final class ResidentFixture implements AutoCloseable {
  public static final String SERVER = TestFederation.SERVER;

  public final Database database;
  public final RoomStore store;
  public final RoomService rooms;
  public final MembershipService memberships;
  public final JdbcAccountStore accounts;
  public final JdbcAliasStore aliases;
  public final JdbcProfileStore profiles;
  public final JdbcDeviceKeyStore deviceKeys;
  public final RoomDirectoryService directory;
  public final MediaService media;
  public final SyncNotifier notifier = new SyncNotifier();
  /** Events the room listeners heard of, with their local flag. */
  public final List<Map.Entry<Pdu, Boolean>> heard = new CopyOnWriteArrayList<>();
  /** Events handed to the membership relay, with their origin. */
  public final List<Map.Entry<Pdu, String>> relayed = new CopyOnWriteArrayList<>();
  public final TestFederation federation;
  private final Map<String, VerifyKey> keys = new ConcurrentHashMap<>();
  private final TestDatabase kind;
  private final String url;

  public ResidentFixture(TestDatabase kind, Path tempDir) throws Exception {
    this.kind = kind;
    this.url = kind.createUrl(tempDir);
    this.database = Database.open(url, 6);
    Clock clock = Clock.systemUTC();
    store = new CachingRoomStore(new JdbcRoomStore(database), 10_000);
    SigningKey ourKey = SigningKey.generate(new SecureRandom());
    EventSigner signer = new EventSigner(SERVER, "ed25519:test", ourKey);
    keys.put(SERVER + " ed25519:test", VerifyKey.of("ed25519:test", ourKey));
    ServerKeys serverKeys = (server, keyId, at) -> Optional.ofNullable(keys.get(server + " " + keyId));
    List<RoomEventListener> listeners =
        List.of(notifier, (event, position, local) -> heard.add(Map.entry(event, local)));
    RoomLocks locks = new RoomLocks();
    EventSender sender = new EventSender(store, new EventBuilder(signer, clock, new Random(3)), locks, listeners);
    aliases = new JdbcAliasStore(database);
    profiles = new JdbcProfileStore(database);
    accounts = new JdbcAccountStore(database);
    rooms = new RoomService(store, sender, aliases, profiles);
    memberships = new MembershipService(store, sender, aliases, profiles, new JdbcForgottenRoomStore(database));
    JdbcDeviceListStore deviceLists = new JdbcDeviceListStore(database);
    deviceKeys = new JdbcDeviceKeyStore(database, deviceLists);
    directory = new RoomDirectoryService(new JdbcRoomDirectoryStore(database), store, RemotePublicRooms.NONE, SERVER);
    media = new MediaService(new JdbcMediaStore(database), new FileContentStore(tempDir.resolve("media")),
        MediaSettings.defaults(1 << 20), new ServerName(SERVER), RemoteMediaSource.NONE, clock, new SecureRandom(),
        Executors.newCachedThreadPool());

    RoomAccess access = new RoomAccess(store, SERVER);
    MembershipRelay relay = (event, origin) -> relayed.add(Map.entry(event, origin));
    MembershipRoutes membershipRoutes = new MembershipRoutes(new MembershipTemplates(store, access, clock),
        new SendMembership(store, access, serverKeys, signer, locks, listeners, relay),
        new InviteReceiver(store, access, serverKeys, signer, accounts, notifier));
    EventRoutes eventRoutes = new EventRoutes(new FederationEventReads(store, access, clock));
    QueryRoutes queryRoutes = new QueryRoutes(new FederationQueries(aliases, access, profiles, accounts));
    UserRoutes userRoutes = new UserRoutes(new UserKeyQueries(deviceKeys, deviceLists, accounts, SERVER));
    PublicRoomsRoutes publicRooms = new PublicRoomsRoutes(directory);
    MediaRoutes mediaRoutes = new MediaRoutes(media);
    federation = TestFederation.start((router, endpoints) -> {
      membershipRoutes.mount(router, endpoints);
      eventRoutes.mount(router, endpoints);
      queryRoutes.mount(router, endpoints);
      userRoutes.mount(router, endpoints);
      publicRooms.mount(router, endpoints);
      mediaRoutes.mount(router, endpoints);
    });
  }

  /** A local user account. */
  public String user(String localpart) {
    String userId = "@" + localpart + ":" + SERVER;
    accounts.createUser(new NewUser(userId, null, false, System.currentTimeMillis()));
    return userId;
  }

  /** A room created by {@code creator} with the given preset (public_chat, private_chat) and extra state. */
  public String room(String creator, String preset, List<NewRoom.InitialState> state) {
    return rooms.createRoom(creator,
        new NewRoom(preset, null, null, null, null, List.of(), false, null, null, state, null));
  }

  /** A remote server whose key we know, signing events and requests. */
  public Remote remote(String name) {
    TestFederation.Remote requests = federation.remote(name);
    keys.put(name + " " + requests.keyId(), VerifyKey.of(requests.keyId(), requests.key()));
    return new Remote(name, requests, new EventSigner(name, requests.keyId(), requests.key()));
  }

  /** A fake remote server. */
  public record Remote(String name, TestFederation.Remote requests, EventSigner signer) {
    public TestFederation.Response send(String method, String uri, ObjectNode body) {
      return requests.send(method, uri, body);
    }

    public TestFederation.Response get(String uri) {
      return requests.send("GET", uri, null);
    }

    /** Hashes and signs an event (a make_* template, filled in) as this server. */
    public Pdu sign(JsonNode event, RoomVersion version) {
      return signer.hashAndSign((ObjectNode) event, version);
    }
  }

  public static ObjectNode json(String text) {
    try {
      return (ObjectNode) JsonMapper.shared().readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Percent-encodes one path segment or query value. */
  public static String enc(String value) {
    return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public void close() throws Exception {
    federation.close();
    database.close();
    kind.drop(url);
  }
}
