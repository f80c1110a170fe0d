package dev.larch.client.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.json.ReceivedJson;
import dev.larch.core.ratelimit.TestClock;
import dev.larch.core.user.AccountLifecycleListener;
import dev.larch.core.user.AccountService;
import dev.larch.core.user.AccountSettings;
import dev.larch.core.user.LoginSession;
import dev.larch.core.user.PasswordHasher;
import dev.larch.core.user.PasswordLogin;
import dev.larch.core.user.Registration;
import dev.larch.core.user.Requester;
import dev.larch.core.user.UiaSubmission;
import dev.larch.storage.contract.TestDatabase;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.user.JdbcAccountStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link AccountService} over the real JDBC store, on each database, with a hand-moved clock. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class AccountServiceTest {
  private static final UiaSubmission DUMMY = submission("{\"auth\":{\"type\":\"m.login.dummy\"}}");

  private final TestDatabase kind;
  @TempDir Path tempDir;
  private String url;
  private Database database;
  private JdbcAccountStore store;
  private final TestClock clock = new TestClock(1_700_000_000_000L);
  private final List<String> events = new ArrayList<>();
  private AccountService accounts;

  AccountServiceTest(TestDatabase kind) {
    this.kind = kind;
  }

  private static UiaSubmission submission(String json) {
    return UiaSubmission.of(ReceivedJson.parseObject(json.getBytes(StandardCharsets.UTF_8)));
  }

  @BeforeEach
  void open() {
    url = kind.createUrl(tempDir);
    database = Database.open(url, 4);
    store = new JdbcAccountStore(database);
    AccountLifecycleListener listener = new AccountLifecycleListener() {
      @Override
      public void devicesDeleted(String userId, Collection<String> deviceIds) {
        events.add("deleted " + userId + " " + deviceIds);
      }

      @Override
      public void accountDeactivated(String userId) {
        events.add("deactivated " + userId);
      }
    };
    SecureRandom random = new SecureRandom();
    accounts = new AccountService(store, AccountSettings.defaults("larch.test"),
        new PasswordHasher(PasswordHasher.FOR_TESTS, random), clock, random, List.of(listener));
  }

  @AfterEach
  void close() {
    if (database != null) {
      database.close();
      kind.drop(url);
    }
  }

  private LoginSession register(String name) {
    return accounts.register(new Registration(name, "pw", null, "dev", false), DUMMY, false, "127.0.0.1");
  }

  private Requester requester(LoginSession session) {
    return accounts.authenticate(session.accessToken());
  }

  @Test
  void register_storesAnArgon2Hash_andCreatesTheDevice() {
    LoginSession alice = register("alice");

    assertTrue(store.user("@alice:larch.test").orElseThrow().passwordHash().startsWith("$argon2id$"));
    assertEquals("dev", store.device(alice.userId(), alice.deviceId()).orElseThrow().displayName());
    assertTrue(alice.deviceId().matches("[A-Z]{10}"), alice.deviceId());
    assertEquals(clock.millis(), store.device(alice.userId(), alice.deviceId()).orElseThrow().createdAtMs());
  }

  @Test
  void register_twice_isUserInUse() {
    register("alice");
    MatrixException e = assertThrows(MatrixException.class, () -> register("alice"));
    assertEquals(ErrorCode.USER_IN_USE, e.errorCode());
  }

  @Test
  void authenticate_unknownOrExpiredToken_isUnknownTokenWithoutSoftLogout() {
    LoginSession alice = register("alice");
    store.createAccessToken("short-lived", alice.userId(), alice.deviceId(), clock.millis(), clock.millis() + 1000);
    assertEquals(alice.userId(), accounts.authenticate("short-lived").userId());
    clock.advance(1000);

    for (String token : List.of("short-lived", "never-issued")) {
      MatrixException e = assertThrows(MatrixException.class, () -> accounts.authenticate(token));
      assertEquals(ErrorCode.UNKNOWN_TOKEN, e.errorCode());
      assertEquals(false, e.extra().get("soft_logout"));
    }
  }

  @Test
  void login_isCaseInsensitiveInTheLocalpart() {
    register("alice");
    LoginSession again = accounts.login(new PasswordLogin("ALICE", "pw", null, null), "127.0.0.1");
    assertEquals("@alice:larch.test", again.userId());
  }

  @Test
  void logout_andDeleteDevices_tellTheListeners() {
    LoginSession alice = register("alice");
    LoginSession phone = accounts.login(new PasswordLogin("alice", "pw", "PHONE", null), "127.0.0.1");

    accounts.logout(requester(phone));
    accounts.deleteDevices(requester(alice), List.of(alice.deviceId()), "delete_devices",
        submission("{\"auth\":{\"type\":\"m.login.password\",\"user\":\"alice\",\"password\":\"pw\"}}"));

    assertEquals(List.of("deleted @alice:larch.test [PHONE]", "deleted @alice:larch.test [" + alice.deviceId() + "]"),
        events);
    assertTrue(store.devices(alice.userId()).isEmpty());
  }

  @Test
  void deactivate_tellsTheListeners_andRemovesEverything() {
    LoginSession alice = register("alice");

    accounts.deactivate(requester(alice),
        submission("{\"auth\":{\"type\":\"m.login.password\",\"user\":\"alice\",\"password\":\"pw\"}}"));

    assertEquals(List.of("deactivated @alice:larch.test"), events);
    assertTrue(store.user(alice.userId()).orElseThrow().deactivated());
    assertNull(store.user(alice.userId()).orElseThrow().passwordHash());
    assertThrows(MatrixException.class, () -> accounts.authenticate(alice.accessToken()));
  }

  @Test
  void passwordStage_forAnotherUser_fails() {
    LoginSession alice = register("alice");
    register("bob");

    var e = assertThrows(dev.larch.core.user.UserInteractiveAuthRequired.class, () -> accounts.deactivate(
        requester(alice),
        submission("{\"auth\":{\"type\":\"m.login.password\",\"user\":\"bob\",\"password\":\"pw\"}}")));
    assertEquals("M_FORBIDDEN", e.body().get("errcode"));
  }

  @Test
  void whoami_reportsDeviceAndGuestFlag() {
    LoginSession alice = register("alice");
    var who = accounts.whoami(requester(alice));
    assertEquals(alice.deviceId(), who.deviceId());
    assertEquals(false, who.guest());
  }
}
