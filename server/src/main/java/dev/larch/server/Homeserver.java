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
import dev.larch.server.config.LarchConfig;
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
import dev.larch.client.push.PushServices;
import dev.larch.core.push.NotificationCounter;
import dev.larch.core.push.PushRuleService;
import dev.larch.core.push.PusherService;
import dev.larch.storage.room.CachingRoomStore;
import dev.larch.storage.room.JdbcRoomStore;
import dev.larch.storage.todevice.JdbcToDeviceStore;
import dev.larch.storage.user.CachingAccountStore;
import dev.larch.storage.user.JdbcAccountDataStore;
import dev.larch.storage.user.JdbcAccountStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The composition root: opens the database named by the config, builds the stores over it and the {@code core}
 * services over those, and hands them to the APIs. The one place that knows every implementation; everything else
 * is given what it uses.
 *
 * <p>Closing it closes the database; {@link LarchServer} does that after the HTTP listener and Vert.x (and so every
 * worker still using a connection) have stopped.
 */
public final class Homeserver implements AutoCloseable {
  /** Events kept in memory by the room store's cache: a few KB each parsed, so about 30 MB of heap when full. */
  private static final long ROOM_EVENT_CACHE = 10_000;

  /**
   * The fewest client API workers. Concurrent sends into one room wait on the room's lock without a database
   * connection while one of them sends the whole group (EventSender), so more requests than connections can be
   * in progress usefully: 64 senders make groups of up to 64 events, one commit each.
   */
  static final int MIN_CLIENT_WORKERS = 64;

  private final Database database;
  private final ClientServices clientServices;

  private Homeserver(Database database, ClientServices clientServices) {
    this.database = database;
    this.clientServices = clientServices;
  }

  /**
   * Opens (and migrates) the database of {@code config} and builds the services for server {@code serverName}.
   *
   * @throws dev.larch.storage.jdbc.StorageException when the database cannot be opened
   */
  public static Homeserver open(LarchConfig config, NodeIdentity identity) {
    return open(config, identity, PasswordHasher.DEFAULT);
  }

  /** As {@link #open(LarchConfig, NodeIdentity)}, with these password hashing parameters (tests use cheap ones). */
  static Homeserver open(LarchConfig config, NodeIdentity identity, PasswordHasher.Params kdf) {
    Database database =
        Database.open(config.database().jdbcUrl(config.dataPath()), config.database().poolSizeValue());
    try {
      EventSigner signer = new EventSigner(identity.serverName(), identity.keyId(), identity.signingKey());
      return new Homeserver(database, clientServices(database, config, signer, kdf));
    } catch (RuntimeException e) {
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

  /** The client API's services over an open {@code database}, signing events with {@code signer}. */
  static ClientServices clientServices(
      Database database, LarchConfig config, EventSigner signer, PasswordHasher.Params kdf) {
    String serverName = signer.serverName();
    Clock clock = Clock.systemUTC();
    SecureRandom random = new SecureRandom();
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
    roomListeners.add(syncNotifier);
    RoomStore roomStore = new CachingRoomStore(new JdbcRoomStore(database), ROOM_EVENT_CACHE);
    ProfileStore profileStore = new JdbcProfileStore(database);
    AliasStore aliasStore = new JdbcAliasStore(database);
    EventSender sender =
        new EventSender(roomStore, new EventBuilder(signer, clock, random), new RoomLocks(), roomListeners);
    HistoryVisibility visibility = new HistoryVisibility(roomStore);
    RoomService rooms = new RoomService(roomStore, sender, aliasStore, profileStore);
    RoomReadService roomReads = new RoomReadService(roomStore, visibility, new ClientEvents(roomStore, clock));
    MembershipService memberships = new MembershipService(roomStore, sender, aliasStore, profileStore,
        new JdbcForgottenRoomStore(database));
    // One account store for everything, so the token cache sees every revocation.
    AccountStore accountStore = new CachingAccountStore(new JdbcAccountStore(database));
    // End-to-end encryption: keys, to-device inboxes and key backups; they drop a deleted device's keys and inbox.
    E2eeServices e2ee = e2eeServices(database, accountStore, syncNotifier, serverName,
        new PasswordReauth(accountStore, new PasswordHasher(kdf, random), accountSettings.loginLimit(), clock,
            random));
    AccountService accounts =
        new AccountService(accountStore, accountSettings, new PasswordHasher(kdf, random), clock, random,
            List.of(new LeaveRoomsOnDeactivation(roomStore, memberships), e2ee.keys(), e2ee.toDevice()));
    ProfileService profiles = new ProfileService(profileStore, accountStore, roomStore, sender);
    AliasService aliases = new AliasService(aliasStore, roomStore, visibility, serverName);
    SyncServices sync = syncServices(database, roomStore, syncNotifier, clock, config.database().poolSizeValue(),
        new E2eeSync(e2ee.keys(), e2ee.toDevice()));
    MediaService media = new MediaService(new JdbcMediaStore(database),
        new FileContentStore(config.dataPath().resolve("media")),
        MediaSettings.defaults(config.media().maxUploadBytesValue()), new ServerName(serverName),
        RemoteMediaSource.NONE, clock, random, mediaExecutor());
    return new ClientServices(clientSettings, accounts, rooms, roomReads, memberships, profiles, aliases, sync, media,
        e2ee, pushServices(roomStore, sync));
  }

  /** Push rules (kept as account data), pushers and unread counts. */
  private static PushServices pushServices(RoomStore roomStore, SyncServices sync) {
    PushRuleService rules = new PushRuleService(sync.accountData());
    return new PushServices(rules, new PusherService(),
        new NotificationCounter(roomStore, sync.receipts(), rules));
  }

  /** Where downloads that waited for an upload finish (disk reads, thumbnails): daemon threads that end when idle. */
  private static Executor mediaExecutor() {
    AtomicInteger counter = new AtomicInteger();
    ThreadPoolExecutor executor = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        r -> {
          Thread thread = new Thread(r, "larch-media-" + counter.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  /** Keys, cross-signing, to-device messages and key backups over {@code database}. */
  private static E2eeServices e2eeServices(Database database, AccountStore accounts, SyncNotifier notifier,
      String serverName, PasswordReauth reauth) {
    JdbcDeviceListStore deviceLists = new JdbcDeviceListStore(database);
    JdbcDeviceKeyStore deviceKeys = new JdbcDeviceKeyStore(database, deviceLists);
    KeyService keys = new KeyService(deviceKeys, deviceLists, accounts, notifier, serverName);
    return new E2eeServices(keys, new CrossSigningService(deviceKeys, accounts, reauth, keys),
        new ToDeviceService(new JdbcToDeviceStore(database), accounts, notifier, serverName),
        new KeyBackupService(new JdbcKeyBackupStore(database)));
  }

  /** Sync and its streams over {@code database}; {@code notifier} must already hear the room events. */
  private static SyncServices syncServices(
      Database database, RoomStore roomStore, SyncNotifier notifier, Clock clock, int threads,
      DeviceSyncSource devices) {
    JdbcAccountDataStore accountDataStore = new JdbcAccountDataStore(database);
    AccountDataService accountData = new AccountDataService(accountDataStore, notifier);
    ReceiptService receipts = new ReceiptService(new JdbcReceiptStore(database), roomStore, accountData, notifier,
        clock);
    TypingService typing = new TypingService(new MembershipQuery(roomStore), notifier, clock);
    PresenceService presence = new PresenceService(notifier, clock);
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
    AtomicInteger counter = new AtomicInteger();
    ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread thread = new Thread(r, "larch-sync-" + counter.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  /** What the client API serves from. */
  public ClientServices clientServices() {
    return clientServices;
  }

  /** The open database. */
  public Database database() {
    return database;
  }

  /** Closes the database. Call only once nothing uses the services any more. */
  @Override
  public void close() {
    database.close();
  }
}
