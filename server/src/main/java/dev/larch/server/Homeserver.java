package dev.larch.server;

import dev.larch.client.ClientServices;
import dev.larch.client.ClientSettings;
import dev.larch.client.keys.E2eeServices;
import dev.larch.client.sync.SyncServices;
import dev.larch.core.accountdata.AccountDataService;
import dev.larch.core.alias.AliasService;
import dev.larch.core.alias.AliasStore;
import dev.larch.core.backup.KeyBackupService;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.event.EventSigner;
import dev.larch.core.event.RoomEventListener;
import dev.larch.core.filter.FilterService;
import dev.larch.core.id.ServerName;
import dev.larch.core.keys.CrossSigningService;
import dev.larch.core.keys.E2eeSync;
import dev.larch.core.keys.KeyService;
import dev.larch.core.keys.PasswordReauth;
import dev.larch.core.media.MediaService;
import dev.larch.core.media.MediaSettings;
import dev.larch.core.media.RemoteMediaSource;
import dev.larch.core.membership.LeaveRoomsOnDeactivation;
import dev.larch.core.membership.MembershipService;
import dev.larch.core.presence.PresenceService;
import dev.larch.core.profile.ProfileService;
import dev.larch.core.profile.ProfileStore;
import dev.larch.core.receipt.ReceiptService;
import dev.larch.core.room.ClientEvents;
import dev.larch.core.room.EventBuilder;
import dev.larch.core.room.EventSender;
import dev.larch.core.room.HistoryVisibility;
import dev.larch.core.room.RoomLocks;
import dev.larch.core.room.RoomReadService;
import dev.larch.core.room.RoomService;
import dev.larch.core.room.RoomStore;
import dev.larch.core.sync.DeviceSyncSource;
import dev.larch.core.sync.MembershipQuery;
import dev.larch.core.sync.SyncNotifier;
import dev.larch.core.sync.SyncService;
import dev.larch.core.todevice.ToDeviceService;
import dev.larch.core.typing.TypingService;
import dev.larch.core.user.AccountService;
import dev.larch.core.user.AccountSettings;
import dev.larch.core.user.AccountStore;
import dev.larch.core.user.PasswordHasher;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.edu.FederationEduReceiver;
import dev.larch.core.federation.edu.OutboundEdus;
import dev.larch.core.federation.edu.RemoteKeyCache;
import dev.larch.core.federation.events.FederationEventReads;
import dev.larch.core.federation.inbound.InboundPdus;
import dev.larch.core.federation.inbound.IncomingEventChecks;
import dev.larch.core.federation.inbound.TransactionReceiver;
import dev.larch.core.federation.join.FederatedMembership;
import dev.larch.core.federation.media.RemoteMediaCache;
import dev.larch.core.federation.p2p.NeighbourProfiles;
import dev.larch.core.federation.query.FederationPublicRooms;
import dev.larch.core.federation.query.FederationQueries;
import dev.larch.core.federation.query.RemoteQueries;
import dev.larch.core.federation.query.UserKeyQueries;
import dev.larch.core.federation.relay.RelayCollector;
import dev.larch.core.federation.relay.RelayHandOver;
import dev.larch.core.federation.relay.RelayService;
import dev.larch.core.federation.relay.RelaySettings;
import dev.larch.core.federation.resident.InviteReceiver;
import dev.larch.core.federation.resident.MembershipTemplates;
import dev.larch.core.federation.resident.RoomAccess;
import dev.larch.core.federation.resident.SendMembership;
import dev.larch.core.federation.send.ExecutorSendScheduler;
import dev.larch.core.federation.send.FederationSender;
import dev.larch.core.federation.send.SendSettings;
import dev.larch.core.keys.DeviceListListener;
import dev.larch.core.membership.RemoteMembership;
import dev.larch.core.presence.PresenceListener;
import dev.larch.core.receipt.ReceiptListener;
import dev.larch.core.todevice.RemoteToDevice;
import dev.larch.core.typing.TypingListener;
import dev.larch.federation.FederationRoutes;
import dev.larch.federation.directory.PublicRoomsRoutes;
import dev.larch.federation.events.EventRoutes;
import dev.larch.federation.media.FederationMediaFetcher;
import dev.larch.federation.media.MediaRoutes;
import dev.larch.federation.p2p.P2pProfileRoutes;
import dev.larch.federation.membership.MembershipRoutes;
import dev.larch.federation.query.QueryRoutes;
import dev.larch.federation.relay.RelayRoutes;
import dev.larch.federation.send.SendRoutes;
import dev.larch.federation.user.UserRoutes;
import dev.larch.storage.federation.inbound.JdbcReceivedTransactions;
import dev.larch.storage.federation.media.JdbcRemoteMediaStore;
import dev.larch.storage.federation.relay.JdbcRelayStore;
import dev.larch.storage.federation.send.JdbcEventStreamReader;
import dev.larch.storage.federation.send.JdbcFederationQueueStore;
import dev.larch.core.federation.keys.ServerKeys;
import dev.larch.server.config.LarchConfig;
import dev.larch.server.federation.FederationStack;
import io.vertx.core.Vertx;
import dev.larch.server.identity.NodeIdentity;
import dev.larch.storage.alias.JdbcAliasStore;
import dev.larch.storage.backup.JdbcKeyBackupStore;
import dev.larch.storage.filter.JdbcFilterStore;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.keys.JdbcDeviceKeyStore;
import dev.larch.storage.keys.JdbcDeviceListStore;
import dev.larch.storage.media.FileContentStore;
import dev.larch.storage.media.JdbcMediaStore;
import dev.larch.storage.membership.JdbcForgottenRoomStore;
import dev.larch.storage.profile.JdbcProfileStore;
import dev.larch.storage.receipt.JdbcReceiptStore;
import dev.larch.client.directory.DirectoryServices;
import dev.larch.client.push.PushServices;
import dev.larch.core.directory.RemoteProfiles;
import dev.larch.core.directory.RemotePublicRooms;
import dev.larch.core.directory.RoomDirectoryService;
import dev.larch.core.directory.UserDirectoryService;
import dev.larch.core.push.NotificationCounter;
import dev.larch.core.push.NotificationService;
import dev.larch.core.push.PushRuleService;
import dev.larch.core.push.PusherService;
import dev.larch.storage.directory.JdbcRoomDirectoryStore;
import dev.larch.storage.push.JdbcPusherStore;
import dev.larch.storage.room.CachingRoomStore;
import dev.larch.storage.room.JdbcRoomStore;
import dev.larch.storage.todevice.JdbcToDeviceStore;
import dev.larch.storage.user.CachingAccountStore;
import dev.larch.storage.user.JdbcAccountDataStore;
import dev.larch.storage.user.JdbcAccountStore;
import java.io.IOException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: opens the database named by the config, builds the stores over it and the {@code core}
 * services over those, and hands them to the APIs. The one place that knows every implementation; everything else
 * is given what it uses.
 *
 * <p>Closing it closes the database; {@link LarchServer} does that after the HTTP listener and Vert.x (and so every
 * worker still using a connection) have stopped.
 */
public final class Homeserver implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Homeserver.class);

  /**
   * Heap for the room store's event cache. The hot set of a personal node (each room's recent events and the state
   * events auth checks read) fits in a few thousand events; more only kept a laptop's memory after a burst.
   */
  private static final long ROOM_EVENT_CACHE_BYTES = 12L << 20;

  /**
   * The fewest client API workers. Concurrent sends into one room wait on the room's lock without a database
   * connection while one of them sends the whole group (EventSender), so more requests than connections can be
   * in progress usefully: 64 senders make groups of up to 64 events, one commit each.
   */
  static final int MIN_CLIENT_WORKERS = 64;

  /** Threads delivering the per-destination send queues (network-bound; idle destinations cost none). */
  static final int SEND_THREADS = 8;

  private final Database database;
  private final FederationStack federation;
  private final Wiring wiring;

  private Homeserver(Database database, FederationStack federation, Wiring wiring) {
    this.database = database;
    this.federation = federation;
    this.wiring = wiring;
  }

  /**
   * Opens (and migrates) the database of {@code config} and builds the services for server {@code serverName};
   * the federation client's HTTPS connections live on {@code vertx}.
   *
   * @throws dev.larch.storage.jdbc.StorageException when the database cannot be opened
   */
  public static Homeserver open(LarchConfig config, NodeIdentity identity, Vertx vertx) {
    return open(config, identity, PasswordHasher.DEFAULT, vertx);
  }

  /** As {@link #open(LarchConfig, NodeIdentity, Vertx)}, with these password hashing parameters (tests). */
  static Homeserver open(LarchConfig config, NodeIdentity identity, PasswordHasher.Params kdf, Vertx vertx) {
    Database database =
        Database.open(config.database().jdbcUrl(config.dataPath()), config.database().poolSizeValue());
    FederationStack federation = null;
    try {
      EventSigner signer = new EventSigner(identity.serverName(), identity.keyId(), identity.signingKey());
      // Federation first: its client and key ring are what the services that reach other servers are built on.
      federation = FederationStack.create(config, identity, database, vertx);
      Wiring wiring = wire(database, config, signer, kdf, new Remote(federation, identity.signingKey()));
      return new Homeserver(database, federation, wiring);
    } catch (RuntimeException e) {
      if (federation != null) {
        federation.close();
      }
      database.close();
      throw e;
    }
  }

  /** The client API's services over an open {@code database}, signing events with a throwaway key (tests). */
  static ClientServices clientServices(
      Database database, LarchConfig config, String serverName, PasswordHasher.Params kdf) {
    SigningKey key = SigningKey.generate(new SecureRandom());
    return clientServices(database, config, new EventSigner(serverName, "ed25519:test", key), kdf);
  }

  /** The client API's services over an open {@code database}, signing events with {@code signer}; no federation. */
  static ClientServices clientServices(
      Database database, LarchConfig config, EventSigner signer, PasswordHasher.Params kdf) {
    return wire(database, config, signer, kdf, null).client();
  }

  /** What reaches other servers: the federation stack and the key that signs media requests. */
  private record Remote(FederationStack stack, SigningKey signingKey) {}

  /**
   * Everything built over one database: the client API's services, the federation routes, the send queue and the
   * relay collector (the last three only with {@code remote}).
   */
  private record Wiring(ClientServices client, List<FederationRoutes> federationRoutes, FederationSender sender,
      ExecutorSendScheduler sendThreads, RelayCollector relayCollector, NeighbourProfiles neighbourProfiles,
      Runnable dropIdleCaches) {}

  /** Builds the services; {@code remote} null means a server that does not federate (tests of the client API). */
  private static Wiring wire(
      Database database, LarchConfig config, EventSigner signer, PasswordHasher.Params kdf, Remote remote) {
    String serverName = signer.serverName();
    Clock clock = Clock.systemUTC();
    SecureRandom random = new SecureRandom();
    FederationClient client = remote == null ? FederationClient.NONE : remote.stack().client();
    AccountSettings accountSettings =
        new AccountSettings(
            serverName,
            config.registration().policyValue(),
            config.registration().tokenSet(),
            config.rateLimits().login().value(),
            config.rateLimits().register().value());
    ClientSettings clientSettings =
        new ClientSettings(
            config.client().maxBodyBytesValue(),
            config.client().publicBaseUrlValue(),
            Math.max(MIN_CLIENT_WORKERS, config.database().poolSizeValue()));
    // Rooms: events are built, signed and persisted by one EventSender, which tells these listeners.
    List<RoomEventListener> roomListeners = new ArrayList<>();
    SyncNotifier syncNotifier = new SyncNotifier();
    JdbcRoomStore jdbcRooms = new JdbcRoomStore(database);
    CachingRoomStore roomCache = CachingRoomStore.withHeapBudget(jdbcRooms, ROOM_EVENT_CACHE_BYTES);
    Runnable dropIdleCaches = () -> {
      roomCache.dropCachedEvents();
      jdbcRooms.dropCachedHeads();
    };
    RoomStore roomStore = roomCache;
    JdbcAccountDataStore accountDataStore = new JdbcAccountDataStore(database);
    AccountDataService accountData = new AccountDataService(accountDataStore, syncNotifier);
    PushRuleService pushRules = new PushRuleService(accountData);
    roomListeners.add(syncNotifier);
    // The send queue hears our events after they committed, and queues them durably for the other servers.
    ExecutorSendScheduler sendThreads = null;
    FederationSender federationSender = null;
    if (remote != null) {
      sendThreads = new ExecutorSendScheduler(SEND_THREADS);
      // Transactions for P2P servers that stay offline go to the trusted relays (overlay.relays), if any.
      federationSender = new FederationSender(serverName, roomStore, new JdbcEventStreamReader(database),
          new JdbcFederationQueueStore(database), client, sendThreads, clock, random, SendSettings.defaults(),
          new RelayHandOver(serverName, client, config.overlay().relays()));
      roomListeners.add(federationSender);
    }
    JdbcRoomDirectoryStore roomDirectory = new JdbcRoomDirectoryStore(database);
    ProfileStore profileStore = new JdbcProfileStore(database);
    AliasStore aliasStore = new JdbcAliasStore(database);
    EventSender sender = new EventSender(roomStore, new EventBuilder(signer, clock, random), new RoomLocks(),
        roomListeners, signingExecutor(), roomSendDrainers());
    HistoryVisibility visibility = new HistoryVisibility(roomStore);
    RoomService rooms = new RoomService(roomStore, sender, aliasStore, profileStore, roomDirectory);
    RoomReadService roomReads = new RoomReadService(roomStore, visibility, new ClientEvents(roomStore, clock));
    RemoteMembership remoteMembership = remote == null ? RemoteMembership.NONE
        : new FederatedMembership(roomStore, sender, signer, client, remote.stack().serverKeys(), roomListeners,
            syncNotifier::notifyUser);
    if (remoteMembership instanceof FederatedMembership federated) {
      roomReads.useRemoteHistory(federated.history()); // /messages pages back into other servers' history
    }
    MembershipService memberships = new MembershipService(roomStore, sender, aliasStore, profileStore,
        new JdbcForgottenRoomStore(database), remoteMembership);
    // One account store for everything, so the token cache sees every revocation.
    AccountStore accountStore = new CachingAccountStore(new JdbcAccountStore(database));
    JdbcDeviceListStore deviceLists = new JdbcDeviceListStore(database);
    JdbcDeviceKeyStore deviceKeys = new JdbcDeviceKeyStore(database, deviceLists);
    // What our users do that other servers hear of as EDUs (typing, receipts, presence, to-device, device lists).
    OutboundEdus edus = federationSender == null ? null
        : new OutboundEdus(serverName, federationSender, deviceKeys, deviceLists, accountStore, random);
    // End-to-end encryption: keys, to-device inboxes and key backups; they drop a deleted device's keys and inbox.
    E2eeServices e2ee = e2eeServices(database, deviceKeys, deviceLists, accountStore, syncNotifier, serverName,
        new PasswordReauth(accountStore, new PasswordHasher(kdf, random), accountSettings.loginLimit(), clock,
            random), edus);
    AccountService accounts =
        new AccountService(accountStore, accountSettings, new PasswordHasher(kdf, random), clock, random,
            List.of(new LeaveRoomsOnDeactivation(roomStore, memberships), e2ee.keys(), e2ee.toDevice()));
    RemoteQueries remoteQueries = remote == null ? null : new RemoteQueries(client);
    if (remoteQueries != null) {
      e2ee.keys().useRemote(remoteQueries);
    }
    ProfileService profiles = new ProfileService(profileStore, accountStore, roomStore, sender, remoteQueries);
    AliasService aliases = new AliasService(aliasStore, roomStore, visibility, serverName, remoteQueries);
    SyncServices sync = syncServices(database, roomStore, syncNotifier, clock, config.database().poolSizeValue(),
        new E2eeSync(e2ee.keys(), e2ee.toDevice()), accountDataStore, accountData, edus);
    Executor mediaExecutor = mediaExecutor();
    FileContentStore mediaFiles = new FileContentStore(config.dataPath().resolve("media"));
    RemoteMediaSource remoteMedia = remote == null ? RemoteMediaSource.NONE
        : new RemoteMediaCache(new JdbcRemoteMediaStore(database), mediaFiles,
            new FederationMediaFetcher(serverName, signer.keyId(), remote.signingKey(), remote.stack().transport()),
            config.media().maxUploadBytesValue(), clock, mediaExecutor);
    MediaService media = new MediaService(new JdbcMediaStore(database), mediaFiles,
        MediaSettings.defaults(config.media().maxUploadBytesValue()), new ServerName(serverName),
        remoteMedia, clock, random, mediaExecutor);
    // The directories: rooms published here, and other servers' lists when asked for one by name.
    RoomDirectoryService roomDirectoryService = new RoomDirectoryService(roomDirectory, roomStore,
        remote == null ? RemotePublicRooms.NONE : new FederationPublicRooms(client, mediaExecutor), serverName);
    NeighbourProfiles neighbourProfiles = remote == null ? null : new NeighbourProfiles(client, mediaExecutor);
    UserDirectoryService userDirectory = new UserDirectoryService(roomStore, roomDirectory, profileStore,
        neighbourProfiles == null ? RemoteProfiles.NONE : neighbourProfiles, serverName);
    DirectoryServices directory = new DirectoryServices(roomDirectoryService, userDirectory);
    ClientServices clientServices = new ClientServices(clientSettings, accounts, rooms, roomReads, memberships,
        profiles, aliases, sync, media, e2ee,
        pushServices(database, roomStore, sync, pushRules, clock), directory);
    if (remote == null) {
      return new Wiring(clientServices, List.of(), null, null, null, null, dropIdleCaches);
    }
    // The federation API's side of the same rooms and users.
    ServerKeys serverKeys = remote.stack().serverKeys();
    FederationSender queue = federationSender;
    InboundPdus inbound = new InboundPdus(serverName, roomStore, sender.locks(), new IncomingEventChecks(serverKeys),
        client, roomListeners, verifyExecutor());
    TransactionReceiver receiver = new TransactionReceiver(inbound,
        new FederationEduReceiver(sync.typing(), sync.receipts(), sync.presence(), e2ee.toDevice(), e2ee.keys(),
            RemoteKeyCache.NONE),
        new JdbcReceivedTransactions(database, clock), roomStore);
    RoomAccess access = new RoomAccess(roomStore, serverName);
    RelaySettings relaySettings = new RelaySettings(config.overlay().relayOn(), config.overlay().relays(),
        RelaySettings.off().maxTransactionsPerDestination(), RelaySettings.off().maxBytesPerDestination());
    List<FederationRoutes> routes = List.of(
        new SendRoutes(receiver)::mount,
        new MembershipRoutes(new MembershipTemplates(roomStore, access, clock),
            new SendMembership(roomStore, access, serverKeys, signer, sender.locks(), roomListeners,
                (event, origin) -> queue.sendOnBehalfOf(event.roomId(), event.eventId(), origin)),
            new InviteReceiver(roomStore, access, serverKeys, signer, accountStore, syncNotifier))::mount,
        new EventRoutes(new FederationEventReads(roomStore, access, clock))::mount,
        new QueryRoutes(new FederationQueries(aliasStore, access, profileStore, accountStore))::mount,
        new UserRoutes(new UserKeyQueries(deviceKeys, deviceLists, accountStore, serverName))::mount,
        new PublicRoomsRoutes(roomDirectoryService)::mount,
        new MediaRoutes(media)::mount,
        new RelayRoutes(new RelayService(new JdbcRelayStore(database), relaySettings))::mount,
        new P2pProfileRoutes(userDirectory)::mount);
    RelayCollector relays = new RelayCollector(serverName, client, serverKeys, receiver::receive);
    return new Wiring(clientServices, routes, federationSender, sendThreads, relays, neighbourProfiles,
        dropIdleCaches);
  }

  /** Push rules (kept as account data), pushers, unread counts and {@code /notifications}. */
  private static PushServices pushServices(Database database, RoomStore roomStore, SyncServices sync,
      PushRuleService rules, Clock clock) {
    NotificationCounter counter = new NotificationCounter(roomStore, sync.receipts(), rules);
    return new PushServices(rules, new PusherService(new JdbcPusherStore(database)), counter,
        new NotificationService(counter, rules, roomStore, new ClientEvents(roomStore, clock)));
  }

  /** Where downloads that waited for an upload finish (disk reads, thumbnails). */
  private static Executor mediaExecutor() {
    return idleEndingPool("larch-media-", 4);
  }

  /** Where incoming PDUs' signatures are checked in parallel before their room's lock is taken: one per core. */
  private static Executor verifyExecutor() {
    return idleEndingPool("larch-verify-", Math.max(2, Runtime.getRuntime().availableProcessors()));
  }

  /** Where a grouped send's events are signed while the next ones are built: one thread per core. */
  private static Executor signingExecutor() {
    return idleEndingPool("larch-sign-", Math.max(2, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * Where a room's queued sends are sent, batch after batch, while its senders' requests wait for their futures:
   * a thread per room being drained (they block on the database), ending after 2 s idle as the client API's workers do.
   */
  private static Executor roomSendDrainers() {
    return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 2, TimeUnit.SECONDS, new SynchronousQueue<>(),
        daemonThreads("larch-room-send-"));
  }

  /**
   * A pool of {@code threads} daemon threads that end after 30 s idle, so an idle node (or an unclosed homeserver
   * in tests) keeps none of them.
   */
  private static Executor idleEndingPool(String namePrefix, int threads) {
    ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), daemonThreads(namePrefix));
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }
  // Daemon threads named namePrefix1, namePrefix2, ...
  private static ThreadFactory daemonThreads(String namePrefix) {
    AtomicInteger counter = new AtomicInteger();
    return r -> {
      Thread thread = new Thread(r, namePrefix + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }


  /**
   * Keys, cross-signing, to-device messages and key backups over {@code database}; {@code edus} (null without
   * federation) tells other servers of device list changes and carries to-device messages to their users.
   */
  private static E2eeServices e2eeServices(Database database, JdbcDeviceKeyStore deviceKeys,
      JdbcDeviceListStore deviceLists, AccountStore accounts, SyncNotifier notifier, String serverName,
      PasswordReauth reauth, OutboundEdus edus) {
    KeyService keys = new KeyService(deviceKeys, deviceLists, accounts, notifier, serverName,
        edus == null ? DeviceListListener.NONE : edus);
    return new E2eeServices(keys, new CrossSigningService(deviceKeys, accounts, reauth, keys),
        new ToDeviceService(new JdbcToDeviceStore(database), accounts, notifier, serverName,
            edus == null ? RemoteToDevice.NONE : edus),
        new KeyBackupService(new JdbcKeyBackupStore(database)));
  }

  /** Sync and its streams over {@code database}; {@code notifier} must already hear the room events. */
  private static SyncServices syncServices(
      Database database, RoomStore roomStore, SyncNotifier notifier, Clock clock, int threads,
      DeviceSyncSource devices, JdbcAccountDataStore accountDataStore, AccountDataService accountData,
      OutboundEdus edus) {
    ReceiptService receipts = new ReceiptService(new JdbcReceiptStore(database), roomStore, accountData, notifier,
        clock, edus == null ? ReceiptListener.NONE : edus);
    TypingService typing = new TypingService(new MembershipQuery(roomStore), notifier, clock,
        edus == null ? TypingListener.NONE : edus);
    PresenceService presence = new PresenceService(notifier, clock, edus == null ? PresenceListener.NONE : edus);
    SyncService sync = new SyncService(roomStore, accountDataStore, receipts, typing, presence, notifier,
        new JdbcForgottenRoomStore(database), syncExecutor(threads), devices);
    return new SyncServices(sync, new FilterService(new JdbcFilterStore(database)), typing, receipts, accountData,
        presence, new ClientEvents(roomStore, clock));
  }

  /**
   * Where woken long-polls compute their response (database reads): daemon threads that end when idle, so an
   * unclosed homeserver (tests) leaves nothing running.
   */
  private static Executor syncExecutor(int threads) {
    return idleEndingPool("larch-sync-", threads);
  }

  /** What the client API serves from. */
  public ClientServices clientServices() {
    return wiring.client();
  }

  /** The federation API's routes beyond version and keys: transactions, joins, events, queries, media, relays. */
  public List<FederationRoutes> federationRoutes() {
    return wiring.federationRoutes();
  }

  /**
   * Starts delivering the send queues (what was queued before a restart goes out first). Call once, before the
   * listeners open.
   */
  public void startFederation() {
    wiring.sender().start();
  }

  /** Tells the send queue that {@code serverName} is up (it sent us a signed request, or the overlay saw it). */
  public void serverSeen(String serverName) {
    wiring.sender().wake(serverName);
  }

  /**
   * P2P mode: the directly connected overlay peers, whose public rooms {@code /publicRooms} and whose users
   * {@code /user_directory/search} also show (one hop, as Dendrite's P2P nodes do).
   */
  public void includeNeighbours(Supplier<Collection<String>> neighbours) {
    wiring.client().directory().rooms().includeNeighbours(neighbours);
    wiring.neighbourProfiles().includeNeighbours(neighbours);
  }

  /** Collects what relays hold for this server (blocking; run on a worker). */
  public RelayCollector relayCollector() {
    return wiring.relayCollector();
  }

  /** Drops what the caches hold that reads can load again, for an idle node to give the heap back. */
  public void dropIdleCaches() {
    wiring.dropIdleCaches().run();
    try {
      database.dropCaches();
    } catch (SQLException | IOException | RuntimeException e) {
      log.warn("idle: could not empty H2's caches (only memory is at stake): {}", e.toString());
    }
  }

  /** The open database. */
  public Database database() {
    return database;
  }

  /** Signed requests to other servers, over HTTPS or the overlay by destination. */
  public FederationClient federationClient() {
    return federation.client();
  }

  /** Other servers' signing keys, fetched and cached as needed. */
  public ServerKeys serverKeys() {
    return federation.serverKeys();
  }

  /** The federation plumbing: transports (to register the overlay's), authenticator, the routes' services. */
  public FederationStack federation() {
    return federation;
  }

  /** Closes the database. Call only once nothing uses the services any more. */
  @Override
  public void close() {
    if (wiring.sender() != null) {
      wiring.sender().close();
      wiring.sendThreads().close();
    }
    federation.close();
    database.close();
  }
}
