package dev.larch.core.federation.send;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.accountdata.AccountDataService;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.event.EventSigner;
import dev.larch.core.event.Pdu;
import dev.larch.core.federation.edu.FederationEduReceiver;
import dev.larch.core.federation.edu.OutboundEdus;
import dev.larch.core.federation.edu.RemoteKeyCache;
import dev.larch.core.federation.relay.RelayHandOver;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.keys.KeyService;
import dev.larch.core.membership.MembershipService;
import dev.larch.core.presence.PresenceService;
import dev.larch.core.receipt.ReceiptService;
import dev.larch.core.room.EventBuilder;
import dev.larch.core.room.EventSender;
import dev.larch.core.room.NewRoom;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.RoomLocks;
import dev.larch.core.room.RoomService;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.StateBefore;
import dev.larch.core.sync.MembershipQuery;
import dev.larch.core.sync.SyncNotifier;
import dev.larch.core.todevice.ToDeviceService;
import dev.larch.core.typing.TypingService;
import dev.larch.core.user.NewUser;
import dev.larch.storage.alias.JdbcAliasStore;
import dev.larch.storage.contract.TestDatabase;
import dev.larch.storage.federation.send.JdbcEventStreamReader;
import dev.larch.storage.federation.send.JdbcFederationQueueStore;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.keys.JdbcDeviceKeyStore;
import dev.larch.storage.keys.JdbcDeviceListStore;
import dev.larch.storage.membership.JdbcForgottenRoomStore;
import dev.larch.storage.profile.JdbcProfileStore;
import dev.larch.storage.receipt.JdbcReceiptStore;
import dev.larch.storage.room.CachingRoomStore;
import dev.larch.storage.room.JdbcRoomStore;
import dev.larch.storage.todevice.JdbcToDeviceStore;
import dev.larch.storage.user.JdbcAccountDataStore;
import dev.larch.storage.user.JdbcAccountStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server "larch.test" with real stores on one {@link TestDatabase}, its federation sender driven by a
 * {@link ManualScheduler} and sending through a {@link FakeFederationClient}, and the EDU services wired to the
 * sender and receiver as {@code Homeserver} wires them. Remote users join rooms by events persisted directly, as the
 * inbound pipeline would persist them.
 */
public final class SendFixture implements AutoCloseable {
  public static final String SERVER = "larch.test";

  public final ManualScheduler scheduler = new ManualScheduler();
  public final FakeFederationClient client = new FakeFederationClient();
  public final List<String> invalidated = new ArrayList<>();
  private final TestDatabase kind;
  private final String url;
  private final SendSettings settings;
  private final SendScheduler threads;
  private final List<String> relays;
  private final AtomicInteger counter = new AtomicInteger();

  public Database database;
  public RoomStore rooms;
  public JdbcFederationQueueStore queue;
  public FederationSender sender;
  public RoomService roomService;
  public MembershipService membership;
  public JdbcAccountStore accounts;
  public JdbcDeviceKeyStore deviceKeys;
  public JdbcDeviceListStore deviceLists;
  public TypingService typing;
  public ReceiptService receipts;
  public PresenceService presence;
  public ToDeviceService toDevice;
  public KeyService keys;
  public OutboundEdus outbound;
  public FederationEduReceiver receiver;

  public SendFixture(TestDatabase kind, Path tempDir, SendSettings settings) {
    this(kind, tempDir, settings, null);
  }

  /** With the sender on {@code threads} (real worker threads) instead of the manual scheduler. */
  public SendFixture(TestDatabase kind, Path tempDir, SendSettings settings, SendScheduler threads) {
    this(kind, tempDir, settings, threads, List.of());
  }

  /** With these trusted relays, to which transactions for offline P2P destinations go. */
  public SendFixture(TestDatabase kind, Path tempDir, SendSettings settings, SendScheduler threads,
      List<String> relays) {
    this.relays = List.copyOf(relays);
    this.kind = kind;
    this.url = kind.createUrl(tempDir);
    this.settings = settings;
    this.threads = threads;
    open();
  }

  public SendFixture(TestDatabase kind, Path tempDir) {
    // A step per event at once: the tests step the sender by hand (FederationSenderTest tests the busy poll).
    this(kind, tempDir, SendSettings.defaults().withBusyPoll(0));
  }

  private void open() {
    database = Database.open(url, 8);
    rooms = new CachingRoomStore(new JdbcRoomStore(database), 1_000);
    queue = new JdbcFederationQueueStore(database);
    sender = new FederationSender(SERVER, rooms, new JdbcEventStreamReader(database), queue, client,
        threads != null ? threads : scheduler, scheduler.clock, new Random(1), settings,
        new RelayHandOver(SERVER, client, relays));
    EventSigner signer = new EventSigner(SERVER, "ed25519:test", SigningKey.fromSeed(new byte[32]));
    EventSender events = new EventSender(rooms, new EventBuilder(signer, scheduler.clock, new Random(7)),
        new RoomLocks(), List.of(sender));
    JdbcAliasStore aliases = new JdbcAliasStore(database);
    JdbcProfileStore profiles = new JdbcProfileStore(database);
    roomService = new RoomService(rooms, events, aliases, profiles);
    membership = new MembershipService(rooms, events, aliases, profiles, new JdbcForgottenRoomStore(database));
    accounts = new JdbcAccountStore(database);
    deviceLists = new JdbcDeviceListStore(database);
    deviceKeys = new JdbcDeviceKeyStore(database, deviceLists);
    outbound = new OutboundEdus(SERVER, sender, deviceKeys, deviceLists, accounts, new Random(3));
    SyncNotifier notifier = new SyncNotifier();
    typing = new TypingService(new MembershipQuery(rooms), notifier, scheduler.clock, outbound);
    receipts = new ReceiptService(new JdbcReceiptStore(database), rooms,
        new AccountDataService(new JdbcAccountDataStore(database), notifier), notifier, scheduler.clock, outbound);
    presence = new PresenceService(notifier, scheduler.clock, outbound);
    toDevice = new ToDeviceService(new JdbcToDeviceStore(database), accounts, notifier, SERVER, outbound);
    keys = new KeyService(deviceKeys, deviceLists, accounts, notifier, SERVER, outbound);
    RemoteKeyCache cache = invalidated::add;
    receiver = new FederationEduReceiver(typing, receipts, presence, toDevice, keys, cache);
    sender.start();
    scheduler.runDue();
  }

  /** Stops the sender and the database, and opens both again: a restart. */
  public void restart() {
    sender.close();
    database.close();
    scheduler.advance(1_000);
    open();
  }

  /** Registers a local user with one device. */
  public void user(String userId, String deviceId) {
    accounts.createUser(new NewUser(userId, null, false, scheduler.now()));
    accounts.upsertDevice(userId, deviceId, "Phone", scheduler.now());
  }

  /** A room created by a local user; its creation events are queued (for nobody) before this returns. */
  public String createRoom(String creator) {
    String roomId = roomService.createRoom(creator, NewRoom.defaults());
    scheduler.runDue();
    return roomId;
  }

  /** Persists a join of a remote user on top of the room's extremity, as the inbound pipeline would. */
  public String remoteJoin(String roomId, String userId) {
    return remoteMembership(roomId, userId, "join");
  }

  public String remoteMembership(String roomId, String userId, String membershipValue) {
    RoomVersion version = rooms.roomVersion(roomId).orElseThrow();
    Set<String> extremities = rooms.forwardExtremities(roomId);
    String prev = extremities.iterator().next();
    long depth = rooms.event(prev).orElseThrow().depth() + 1;
    ObjectNode json = JsonMapper.shared().createObjectNode();
    json.put("type", "m.room.member");
    json.put("room_id", roomId);
    json.put("sender", userId);
    json.put("state_key", userId);
    json.putObject("content").put("membership", membershipValue);
    json.putArray("prev_events").add(prev);
    json.putArray("auth_events");
    json.put("depth", depth);
    json.put("origin_server_ts", scheduler.now());
    json.putObject("hashes").put("sha256", "unchecked");
    String eventId = "$remote" + counter.incrementAndGet();
    rooms.persist(PersistRequest.accepted(new Pdu(version, json, eventId), StateBefore.afterEvent(prev)));
    return eventId;
  }

  /** A message from a local user. */
  public String send(String senderId, String roomId, String body) {
    ObjectNode content = JsonMapper.shared().createObjectNode().put("msgtype", "m.text").put("body", body);
    return roomService.send(senderId, "DEV", roomId, "m.room.message", "t" + counter.incrementAndGet(), content);
  }

  @Override
  public void close() {
    sender.close();
    database.close();
    kind.drop(url);
  }
}
