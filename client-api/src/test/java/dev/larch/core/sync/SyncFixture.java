package dev.larch.core.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.accountdata.AccountDataService;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.event.EventSigner;
import dev.larch.core.filter.Filter;
import dev.larch.core.filter.FilterService;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.membership.MembershipService;
import dev.larch.core.presence.PresenceService;
import dev.larch.core.receipt.ReceiptService;
import dev.larch.core.room.EventBuilder;
import dev.larch.core.room.EventSender;
import dev.larch.core.room.NewRoom;
import dev.larch.core.room.RoomLocks;
import dev.larch.core.room.RoomService;
import dev.larch.core.room.RoomStore;
import dev.larch.core.typing.TypingService;
import dev.larch.storage.alias.JdbcAliasStore;
import dev.larch.storage.filter.JdbcFilterStore;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.membership.JdbcForgottenRoomStore;
import dev.larch.storage.profile.JdbcProfileStore;
import dev.larch.storage.receipt.JdbcReceiptStore;
import dev.larch.storage.room.CachingRoomStore;
import dev.larch.storage.room.JdbcRoomStore;
import dev.larch.storage.user.JdbcAccountDataStore;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sync services over the real JDBC stores on an H2 database, with B's room and membership services to make
 * rooms and events, and a clock tests move by hand. Sync's tests live in client-api because core cannot see storage.
 */
final class SyncFixture implements AutoCloseable {
  static final String SERVER = "larch.test";
  static final String ALICE = "@alice:" + SERVER;
  static final String BOB = "@bob:" + SERVER;
  static final String CAROL = "@carol:" + SERVER;

  final MutableClock clock = new MutableClock(1_700_000_000_000L);
  final Database database;
  final RoomStore rooms;
  final SyncNotifier notifier = new SyncNotifier();
  final RoomService roomService;
  final MembershipService membership;
  final AccountDataService accountData;
  final ReceiptService receipts;
  final TypingService typing;
  final PresenceService presence;
  final FilterService filters;
  final SyncService sync;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final AtomicInteger txn = new AtomicInteger();

  /** A fresh in-memory database. */
  SyncFixture() {
    this("jdbc:h2:mem:sync-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
  }

  /** The database at {@code jdbcUrl} (an H2 file for restart tests). */
  SyncFixture(String jdbcUrl) {
    database = Database.open(jdbcUrl, 8);
    rooms = new CachingRoomStore(new JdbcRoomStore(database), 10_000);
    EventSigner signer = new EventSigner(SERVER, "ed25519:test", SigningKey.fromSeed(new byte[32]));
    EventBuilder builder = new EventBuilder(signer, clock, new Random(7));
    EventSender sender = new EventSender(rooms, builder, new RoomLocks(), List.of(notifier));
    JdbcAliasStore aliases = new JdbcAliasStore(database);
    JdbcProfileStore profiles = new JdbcProfileStore(database);
    roomService = new RoomService(rooms, sender, aliases, profiles);
    JdbcForgottenRoomStore forgotten = new JdbcForgottenRoomStore(database);
    membership = new MembershipService(rooms, sender, aliases, profiles, forgotten);
    JdbcAccountDataStore accountDataStore = new JdbcAccountDataStore(database);
    accountData = new AccountDataService(accountDataStore, notifier);
    receipts = new ReceiptService(new JdbcReceiptStore(database), rooms, accountData, notifier, clock);
    typing = new TypingService(new MembershipQuery(rooms), notifier, clock);
    presence = new PresenceService(notifier, clock);
    filters = new FilterService(new JdbcFilterStore(database));
    sync = new SyncService(rooms, accountDataStore, receipts, typing, presence, notifier, forgotten, executor);
  }

  String createRoom(String creator) {
    return roomService.createRoom(creator, NewRoom.defaults());
  }

  /** A room made by {@code creator} that {@code others} joined (the default preset lets anyone invited join). */
  String roomWith(String creator, String... others) {
    String roomId = createRoom(creator);
    for (String other : others) {
      membership.invite(creator, roomId, other, null);
      membership.join(other, roomId, null);
    }
    return roomId;
  }

  String send(String sender, String roomId, String body) {
    ObjectNode content = JsonMapper.shared().createObjectNode().put("msgtype", "m.text").put("body", body);
    return roomService.send(sender, "DEVICE", roomId, "m.room.message", "t" + txn.incrementAndGet(), content);
  }

  String setState(String sender, String roomId, String type, String key, String field, String value) {
    return roomService.setState(sender, roomId, type, key, JsonMapper.shared().createObjectNode().put(field, value));
  }

  /** An initial sync, as a client makes it (it also marks the user online). */
  SyncResult initial(String userId) {
    return initial(userId, Filter.DEFAULT);
  }

  SyncResult initial(String userId, Filter filter) {
    return now(new SyncRequest(userId, "DEVICE", null, filter, false, 0, null));
  }

  /** An incremental sync with {@code timeout=0}. */
  SyncResult since(String userId, SyncToken since) {
    return since(userId, since, Filter.DEFAULT);
  }

  SyncResult since(String userId, SyncToken since, Filter filter) {
    return now(new SyncRequest(userId, "DEVICE", since, filter, false, 0, null));
  }

  private SyncResult now(SyncRequest request) {
    return sync.sync(request).toCompletableFuture().join();
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      database.close();
    }
  }
}
