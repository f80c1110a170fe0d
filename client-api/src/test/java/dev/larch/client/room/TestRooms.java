package dev.larch.client.room;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.client.ClientServices;
import dev.larch.client.ClientSettings;
import dev.larch.core.alias.AliasService;
import dev.larch.core.alias.AliasStore;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.event.EventSigner;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.membership.MembershipService;
import dev.larch.core.profile.ProfileService;
import dev.larch.core.profile.ProfileStore;
import dev.larch.core.room.ClientEvents;
import dev.larch.core.room.EventBuilder;
import dev.larch.core.room.EventSender;
import dev.larch.core.room.HistoryVisibility;
import dev.larch.core.room.RoomLocks;
import dev.larch.core.room.RoomReadService;
import dev.larch.core.room.RoomService;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.StoredEvent;
import dev.larch.core.user.AccountService;
import dev.larch.core.user.NewUser;
import dev.larch.storage.alias.JdbcAliasStore;
import dev.larch.storage.contract.TestDatabase;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.membership.JdbcForgottenRoomStore;
import dev.larch.storage.profile.JdbcProfileStore;
import dev.larch.storage.room.CachingRoomStore;
import dev.larch.storage.room.JdbcRoomStore;
import dev.larch.storage.user.JdbcAccountStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * The room services wired as the server wires them, over the real JDBC stores on a fresh database of one
 * {@link TestDatabase} kind, with a fixed clock, seeded randomness and a listener that records what it is told.
 */
final class TestRooms implements AutoCloseable {
  static final String SERVER = "larch.test";
  // Grouped sends sign on these, as the server's do on its own pool.
  private static final Executor SIGNING = Executors.newFixedThreadPool(2, r -> {
    Thread thread = new Thread(r, "test-signing");
    thread.setDaemon(true);
    return thread;
  });
  // As the homeserver's: a thread per room whose queued sends are being sent.
  private static final Executor DRAINERS = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "test-room-send");
    thread.setDaemon(true);
    return thread;
  });
  static final long NOW = 1_700_000_000_000L;

  final TestDatabase kind;
  final String url;
  final Database database;
  final RoomStore store;
  final JdbcAccountStore accounts;
  final List<Pdu> notified = new CopyOnWriteArrayList<>();
  final EventSigner signer;
  final EventSender sender;
  final RoomService rooms;
  final RoomReadService reads;
  final MembershipService memberships;
  final ProfileService profiles;
  final AliasService aliases;
  final AliasStore aliasStore;

  private TestRooms(TestDatabase kind, String url, Database database) {
    this.kind = kind;
    this.url = url;
    this.database = database;
    Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
    store = new CachingRoomStore(new JdbcRoomStore(database), 10_000);
    accounts = new JdbcAccountStore(database);
    signer = new EventSigner(SERVER, "ed25519:test", SigningKey.fromSeed(new byte[32]));
    sender = new EventSender(store, new EventBuilder(signer, clock, new SplittableRandom(7)), new RoomLocks(),
        List.of((event, position, local) -> notified.add(event)), SIGNING, DRAINERS);
    ProfileStore profileStore = new JdbcProfileStore(database);
    aliasStore = new JdbcAliasStore(database);
    HistoryVisibility visibility = new HistoryVisibility(store);
    rooms = new RoomService(store, sender, aliasStore, profileStore);
    reads = new RoomReadService(store, visibility, new ClientEvents(store, clock));
    memberships = new MembershipService(store, sender, aliasStore, profileStore, new JdbcForgottenRoomStore(database));
    profiles = new ProfileService(profileStore, accounts, store, sender);
    aliases = new AliasService(aliasStore, store, visibility, SERVER);
  }

  static TestRooms open(TestDatabase kind, Path tempDir) {
    String url = kind.createUrl(tempDir);
    return new TestRooms(kind, url, Database.open(url, 8));
  }

  /** The client API's services over these, with {@code accounts} for tokens. */
  ClientServices clientServices(ClientSettings settings, AccountService accountService) {
    return new ClientServices(settings, accountService, rooms, reads, memberships, profiles, aliases);
  }

  /** Creates a local account and returns its user ID. */
  String user(String localpart) {
    String userId = "@" + localpart + ":" + SERVER;
    accounts.createUser(new NewUser(userId, null, false, NOW));
    return userId;
  }

  /** The content of one current state event, or null. */
  ObjectNode state(String roomId, String type, String stateKey) {
    return store.currentStateEventId(roomId, StateKey.of(type, stateKey))
        .flatMap(store::event)
        .map(e -> e.pdu().content())
        .orElse(null);
  }

  Map<StateKey, String> currentState(String roomId) {
    return store.currentState(roomId);
  }

  Optional<StoredEvent> event(String eventId) {
    return store.event(eventId);
  }

  static ObjectNode json(String text) {
    try {
      return (ObjectNode) JsonMapper.shared().readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static ObjectNode text(String body) {
    return JsonMapper.shared().createObjectNode().put("msgtype", "m.text").put("body", body);
  }

  @Override
  public void close() {
    database.close();
    kind.drop(url);
  }
}
