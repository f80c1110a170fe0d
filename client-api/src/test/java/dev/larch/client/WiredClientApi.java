package dev.larch.client;

import dev.larch.client.directory.DirectoryServices;
import dev.larch.client.keys.E2eeServices;
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

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.client.TestClientApi.Response;
import dev.larch.client.sync.SyncServices;
import dev.larch.core.accountdata.AccountDataService;
import dev.larch.core.alias.AliasService;
import dev.larch.core.backup.KeyBackupService;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.crypto.Signatures;
import dev.larch.core.event.EventSigner;
import dev.larch.core.filter.FilterService;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.keys.CrossSigningService;
import dev.larch.core.keys.E2eeSync;
import dev.larch.core.keys.KeyService;
import dev.larch.core.keys.PasswordReauth;
import dev.larch.core.membership.MembershipService;
import dev.larch.core.presence.PresenceService;
import dev.larch.core.profile.ProfileService;
import dev.larch.core.receipt.ReceiptService;
import dev.larch.core.room.ClientEvents;
import dev.larch.core.room.EventBuilder;
import dev.larch.core.room.EventSender;
import dev.larch.core.room.HistoryVisibility;
import dev.larch.core.room.RoomLocks;
import dev.larch.core.room.RoomReadService;
import dev.larch.core.room.RoomService;
import dev.larch.core.room.RoomStore;
import dev.larch.core.sync.MembershipQuery;
import dev.larch.core.sync.SyncNotifier;
import dev.larch.core.sync.SyncService;
import dev.larch.core.todevice.ToDeviceService;
import dev.larch.core.typing.TypingService;
import dev.larch.core.user.AccountService;
import dev.larch.core.user.AccountSettings;
import dev.larch.core.user.PasswordHasher;
import dev.larch.storage.alias.JdbcAliasStore;
import dev.larch.storage.backup.JdbcKeyBackupStore;
import dev.larch.storage.contract.TestDatabase;
import dev.larch.storage.filter.JdbcFilterStore;
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
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The whole client API with push, end-to-end encryption, rooms and sync wired as {@code Homeserver} wires them, over a
 * fresh database of one {@link TestDatabase} kind on a loopback port; plus an HTTP client and key fixtures.
 */
public final class WiredClientApi implements AutoCloseable {
  public static final String SERVER = "larch.test";
  public static final String V3 = "/_matrix/client/v3";

  public final TestDatabase kind;
  public final String url;
  public final Database database;
  public final RoomService rooms;
  public final MembershipService memberships;
  public final SyncNotifier notifier = new SyncNotifier();
  /** A {@code GET /notifications} service over this server's rooms and rules, evaluating at most N events a room. */
  public final java.util.function.IntFunction<NotificationService> notificationsScanning;
  private final Vertx vertx;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final String base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A user logged in on one device, with that device's ed25519 key. */
  public record Session(String userId, String token, String deviceId, SigningKey key) {}

  public WiredClientApi(TestDatabase kind, Path tempDir) throws Exception {
    this.kind = kind;
    this.url = kind.createUrl(tempDir);
    this.database = Database.open(url, 8);
    Clock clock = Clock.systemUTC();
    SecureRandom random = new SecureRandom();
    RoomStore roomStore = new CachingRoomStore(new JdbcRoomStore(database), 10_000);
    EventSigner signer = new EventSigner(SERVER, "ed25519:test", SigningKey.fromSeed(new byte[32]));
    JdbcAccountDataStore accountDataStore = new JdbcAccountDataStore(database);
    AccountDataService accountData = new AccountDataService(accountDataStore, notifier);
    PushRuleService pushRules = new PushRuleService(accountData);
    EventSender sender = new EventSender(roomStore, new EventBuilder(signer, clock, new Random(7)), new RoomLocks(),
        List.of(notifier));
    JdbcRoomDirectoryStore directoryStore = new JdbcRoomDirectoryStore(database);
    JdbcAliasStore aliases = new JdbcAliasStore(database);
    JdbcProfileStore profiles = new JdbcProfileStore(database);
    JdbcForgottenRoomStore forgotten = new JdbcForgottenRoomStore(database);
    JdbcAccountStore accountStore = new JdbcAccountStore(database);
    rooms = new RoomService(roomStore, sender, aliases, profiles, directoryStore);
    memberships = new MembershipService(roomStore, sender, aliases, profiles, forgotten);
    HistoryVisibility visibility = new HistoryVisibility(roomStore);

    PasswordHasher hasher = new PasswordHasher(PasswordHasher.FOR_TESTS, random);
    JdbcDeviceListStore deviceLists = new JdbcDeviceListStore(database);
    JdbcDeviceKeyStore deviceKeys = new JdbcDeviceKeyStore(database, deviceLists);
    KeyService keys = new KeyService(deviceKeys, deviceLists, accountStore, notifier, SERVER);
    PasswordReauth reauth = new PasswordReauth(accountStore, hasher, AccountSettings.DEFAULT_LIMIT, clock, random);
    ToDeviceService toDevice = new ToDeviceService(new JdbcToDeviceStore(database), accountStore, notifier, SERVER);
    E2eeServices e2ee = new E2eeServices(keys, new CrossSigningService(deviceKeys, accountStore, reauth, keys),
        toDevice, new KeyBackupService(new JdbcKeyBackupStore(database)));
    AccountService accounts = new AccountService(accountStore, AccountSettings.defaults(SERVER), hasher, clock,
        random, List.of(keys, toDevice));

    ReceiptService receipts = new ReceiptService(new JdbcReceiptStore(database), roomStore, accountData, notifier,
        clock);
    TypingService typing = new TypingService(new MembershipQuery(roomStore), notifier, clock);
    PresenceService presence = new PresenceService(notifier, clock);
    SyncService sync = new SyncService(roomStore, accountDataStore, receipts, typing, presence, notifier, forgotten,
        executor, new E2eeSync(keys, toDevice));
    SyncServices syncServices = new SyncServices(sync, new FilterService(new JdbcFilterStore(database)), typing,
        receipts, accountData, presence, new ClientEvents(roomStore, clock));
    NotificationCounter counter = new NotificationCounter(roomStore, receipts, pushRules);
    PushServices push = new PushServices(pushRules, new PusherService(new JdbcPusherStore(database)), counter,
        new NotificationService(counter, pushRules, roomStore, new ClientEvents(roomStore, clock)));
    // The same parts, for tests that want a NotificationService with a smaller scan per room.
    notificationsScanning = scan -> new NotificationService(counter, pushRules, roomStore,
        new ClientEvents(roomStore, clock), scan);
    ClientServices services = new ClientServices(ClientSettings.defaults(4), accounts, rooms,
        new RoomReadService(roomStore, visibility, new ClientEvents(roomStore, clock)), memberships,
        new ProfileService(profiles, accountStore, roomStore, sender),
        new AliasService(aliases, roomStore, visibility, SERVER), syncServices, null, e2ee,
        push,
        new DirectoryServices(
            new RoomDirectoryService(directoryStore, roomStore, RemotePublicRooms.NONE, SERVER),
            new UserDirectoryService(roomStore, directoryStore, profiles, RemoteProfiles.NONE, SERVER)));
    vertx = Vertx.vertx();
    HttpServer server = vertx.createHttpServer().requestHandler(new ClientApi(services).router(vertx))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + server.actualPort();
  }

  public Response call(String method, String path, String body, String token) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json;
    try {
      json = response.body().isEmpty() ? com.fasterxml.jackson.databind.node.MissingNode.getInstance()
          : JsonMapper.shared().readTree(response.body());
    } catch (IOException e) {
      json = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
    return new Response(response.statusCode(), json, response.headers(), response.body());
  }

  public Response post(String path, Object body, String token) throws IOException, InterruptedException {
    return call("POST", V3 + path, text(body), token);
  }

  public Response put(String path, Object body, String token) throws IOException, InterruptedException {
    return call("PUT", V3 + path, text(body), token);
  }

  public Response get(String path, String token) throws IOException, InterruptedException {
    return call("GET", V3 + path, null, token);
  }

  public Response delete(String path, String token) throws IOException, InterruptedException {
    return call("DELETE", V3 + path, null, token);
  }

  /** Registers {@code localpart} (password {@code pw}) and logs in on device {@code deviceId}. */
  public Session login(String localpart, String deviceId) throws IOException, InterruptedException {
    String register = "{\"username\":\"" + localpart + "\",\"password\":\"pw\",\"inhibit_login\":true";
    Response first = call("POST", V3 + "/register", register + "}", null);
    if (first.status() == 401) {
      String session = first.json().get("session").asText();
      call("POST", V3 + "/register", register + ",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + session
          + "\"}}", null);
    }
    JsonNode login = call("POST", V3 + "/login", "{\"type\":\"m.login.password\",\"user\":\"" + localpart
        + "\",\"password\":\"pw\",\"device_id\":\"" + deviceId + "\"}", null).ok();
    return new Session(login.get("user_id").asText(), login.get("access_token").asText(), deviceId,
        SigningKey.generate(new SecureRandom()));
  }

  /** Device keys of {@code session}'s device, signed by its own key. */
  public static ObjectNode deviceKeys(Session session) {
    ObjectNode keys = JsonMapper.shared().createObjectNode();
    keys.put("user_id", session.userId()).put("device_id", session.deviceId());
    keys.putArray("algorithms").add("m.olm.v1.curve25519-aes-sha2").add("m.megolm.v1.aes-sha2");
    ObjectNode keyMap = keys.putObject("keys");
    keyMap.put("curve25519:" + session.deviceId(), "curve" + session.deviceId());
    keyMap.put("ed25519:" + session.deviceId(), publicKey(session.key()));
    Signatures.sign(keys, session.userId(), "ed25519:" + session.deviceId(), session.key());
    return keys;
  }

  public static String publicKey(SigningKey key) {
    return dev.larch.core.crypto.UnpaddedBase64.encode(key.publicKey());
  }

  public static String text(Object body) {
    if (body == null || body instanceof String) {
      return (String) body;
    }
    try {
      return JsonMapper.shared().writeValueAsString(body);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  public static ObjectNode json(String text) {
    try {
      return (ObjectNode) JsonMapper.shared().readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** A room {@code creator} made and {@code others} joined. */
  public String roomWith(Session creator, Session... others) {
    String roomId = rooms.createRoom(creator.userId(), dev.larch.core.room.NewRoom.defaults());
    for (Session other : others) {
      memberships.invite(creator.userId(), roomId, other.userId(), null);
      memberships.join(other.userId(), roomId, null);
    }
    return roomId;
  }

  /** {@code GET /sync} with {@code since} (null: initial) and no wait. */
  public JsonNode sync(Session session, String since) throws IOException, InterruptedException {
    String query = since == null ? "" : "?since=" + since;
    Response response = get("/sync" + query, session.token());
    assertEquals(200, response.status(), response.text());
    return response.json();
  }

  @Override
  public void close() throws Exception {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      executor.shutdownNow();
      database.close();
      kind.drop(url);
    }
  }
}
