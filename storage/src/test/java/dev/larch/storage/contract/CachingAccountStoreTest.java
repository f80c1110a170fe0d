package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.user.AccountStore;
import dev.larch.core.user.NewUser;
import dev.larch.core.user.TokenOwner;
import dev.larch.storage.user.CachingAccountStore;
import dev.larch.storage.user.ForwardingAccountStore;
import dev.larch.storage.user.JdbcAccountStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link CachingAccountStore}: token owners are served from memory, and every way of taking a token away makes it
 * stop working at once, including a lookup that raced with the revocation.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class CachingAccountStoreTest extends DatabaseTest {
  private static final String ALICE = "@alice:larch.test";
  private static final String BOB = "@bob:larch.test";

  private AccountStore accounts;

  CachingAccountStoreTest(TestDatabase kind) {
    super(kind);
  }

  @BeforeEach
  void createStore() {
    accounts = new CachingAccountStore(new JdbcAccountStore(database));
    for (String user : List.of(ALICE, BOB)) {
      accounts.createUser(new NewUser(user, null, false, 1000));
      accounts.upsertDevice(user, "D1", null, 1000);
      accounts.upsertDevice(user, "D2", null, 1000);
    }
    accounts.createAccessToken("alice-1", ALICE, "D1", 1000, 0);
    accounts.createAccessToken("alice-2", ALICE, "D2", 1000, 0);
    accounts.createAccessToken("bob-1", BOB, "D1", 1000, 5000);
  }

  private void warm() {
    for (String token : List.of("alice-1", "alice-2", "bob-1")) {
      assertTrue(accounts.accessTokenOwner(token).isPresent(), token);
    }
  }

  @Test
  void owner_isCached_withItsExpiry() {
    warm();
    assertEquals(Optional.of(new TokenOwner(BOB, "D1", 5000)), accounts.accessTokenOwner("bob-1"));
    assertTrue(accounts.accessTokenOwner("unknown").isEmpty());
    accounts.createAccessToken("unknown", BOB, "D2", 2000, 0);
    assertEquals(Optional.of(new TokenOwner(BOB, "D2", 0)), accounts.accessTokenOwner("unknown"),
        "an unknown token is not remembered as unknown");
  }

  @Test
  void revokeAccessToken_stopsItAtOnce() {
    warm();
    accounts.revokeAccessToken("alice-1");
    assertTrue(accounts.accessTokenOwner("alice-1").isEmpty());
    assertTrue(accounts.accessTokenOwner("alice-2").isPresent());
  }

  @Test
  void revokeAllAccessTokens_stopsEveryTokenOfTheUser() {
    warm();
    accounts.revokeAllAccessTokens(ALICE);
    assertTrue(accounts.accessTokenOwner("alice-1").isEmpty());
    assertTrue(accounts.accessTokenOwner("alice-2").isEmpty());
    assertTrue(accounts.accessTokenOwner("bob-1").isPresent());
  }

  @Test
  void deleteDevices_stopsTheirTokens() {
    warm();
    accounts.deleteDevices(ALICE, List.of("D2"));
    assertTrue(accounts.accessTokenOwner("alice-1").isPresent());
    assertTrue(accounts.accessTokenOwner("alice-2").isEmpty());
  }

  @Test
  void deactivate_stopsEveryToken() {
    warm();
    accounts.deactivate(ALICE, 2000);
    assertTrue(accounts.accessTokenOwner("alice-1").isEmpty());
    assertTrue(accounts.accessTokenOwner("alice-2").isEmpty());
  }

  @Test
  void lookupRacingARevocation_isNotCached() throws Exception {
    // The lookup reads the token from the database, then stalls before caching it while the token is revoked.
    CountDownLatch read = new CountDownLatch(1);
    CountDownLatch revoked = new CountDownLatch(1);
    AtomicBoolean stall = new AtomicBoolean(true);
    AccountStore slowJdbc = new ForwardingAccountStore(new JdbcAccountStore(database)) {
      @Override
      public Optional<TokenOwner> accessTokenOwner(String token) {
        Optional<TokenOwner> owner = super.accessTokenOwner(token);
        if (stall.getAndSet(false)) {
          read.countDown();
          await(revoked);
        }
        return owner;
      }
    };
    CachingAccountStore caching = new CachingAccountStore(slowJdbc);
    AtomicReference<Optional<TokenOwner>> raced = new AtomicReference<>();
    Thread lookup = new Thread(() -> raced.set(caching.accessTokenOwner("alice-1")));
    lookup.start();
    await(read);
    caching.revokeAccessToken("alice-1");
    revoked.countDown();
    lookup.join();

    assertTrue(raced.get().isPresent(), "the raced lookup saw the token before the revocation");
    assertTrue(caching.accessTokenOwner("alice-1").isEmpty(), "but did not leave it cached");
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
