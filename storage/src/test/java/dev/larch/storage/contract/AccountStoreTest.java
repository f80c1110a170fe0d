package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.user.AccountStore;
import dev.larch.core.user.Device;
import dev.larch.core.user.NewUser;
import dev.larch.core.user.TokenOwner;
import dev.larch.core.user.UserAccount;
import dev.larch.storage.user.JdbcAccountStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@link AccountStore} contract: users, devices, access tokens. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class AccountStoreTest extends DatabaseTest {
  private static final String ALICE = "@alice:larch.test";

  private AccountStore accounts;

  AccountStoreTest(TestDatabase kind) {
    super(kind);
  }

  @BeforeEach
  void createStore() {
    accounts = new JdbcAccountStore(database);
  }

  @Test
  void createUser_whenTaken_returnsFalse() {
    assertTrue(accounts.createUser(new NewUser(ALICE, "$argon2id$hash", false, 1000)));
    assertFalse(accounts.createUser(new NewUser(ALICE, "other", true, 2000)));
    assertEquals(new UserAccount(ALICE, "$argon2id$hash", false, false, 1000), accounts.user(ALICE).orElseThrow());
    assertTrue(accounts.user("@nobody:larch.test").isEmpty());
    assertFalse(accounts.user(ALICE).orElseThrow().toString().contains("argon2"), "no hash in toString");
  }

  @Test
  void setPasswordHash_replacesHash() {
    accounts.createUser(new NewUser(ALICE, "old", false, 1000));
    assertTrue(accounts.setPasswordHash(ALICE, "new"));
    assertEquals("new", accounts.user(ALICE).orElseThrow().passwordHash());
    assertFalse(accounts.setPasswordHash("@nobody:larch.test", "x"));
  }

  @Test
  void devices_crud() {
    accounts.createUser(new NewUser(ALICE, "h", false, 1000));
    accounts.upsertDevice(ALICE, "PHONE", "Phone", 1000);
    accounts.upsertDevice(ALICE, "LAPTOP", null, 1100);
    accounts.upsertDevice(ALICE, "PHONE", "ignored on refresh", 1200);
    assertEquals(new Device(ALICE, "PHONE", "Phone", 1000, 1200), accounts.device(ALICE, "PHONE").orElseThrow());
    assertEquals(List.of("LAPTOP", "PHONE"), accounts.devices(ALICE).stream().map(Device::deviceId).toList());

    assertTrue(accounts.renameDevice(ALICE, "LAPTOP", "Work laptop"));
    assertEquals("Work laptop", accounts.device(ALICE, "LAPTOP").orElseThrow().displayName());
    assertFalse(accounts.renameDevice(ALICE, "NOPE", "x"));

    accounts.createAccessToken("syt_phone", ALICE, "PHONE", 1000, 0);
    accounts.createAccessToken("syt_laptop", ALICE, "LAPTOP", 1000, 0);
    assertEquals(1, accounts.deleteDevices(ALICE, List.of("PHONE", "NOPE")));
    assertTrue(accounts.device(ALICE, "PHONE").isEmpty());
    assertTrue(accounts.accessTokenOwner("syt_phone").isEmpty(), "deleting a device revokes its tokens");
    assertTrue(accounts.accessTokenOwner("syt_laptop").isPresent());
  }

  @Test
  void accessTokens_createLookupRevoke() throws SQLException {
    accounts.createUser(new NewUser(ALICE, "h", false, 1000));
    accounts.upsertDevice(ALICE, "D1", null, 1000);
    accounts.upsertDevice(ALICE, "D2", null, 1000);
    accounts.createAccessToken("syt_one", ALICE, "D1", 1000, 0);
    accounts.createAccessToken("syt_two", ALICE, "D2", 1000, 5000);
    accounts.createAccessToken("syt_three", ALICE, "D2", 1000, 0);

    assertEquals(Optional.of(new TokenOwner(ALICE, "D1", 0)), accounts.accessTokenOwner("syt_one"));
    TokenOwner two = accounts.accessTokenOwner("syt_two").orElseThrow();
    assertFalse(two.expiredAt(4999));
    assertTrue(two.expiredAt(5000));
    assertTrue(accounts.accessTokenOwner("syt_unknown").isEmpty());
    assertNoPlaintextTokens();

    assertTrue(accounts.revokeAccessToken("syt_one"));
    assertFalse(accounts.revokeAccessToken("syt_one"));
    assertTrue(accounts.accessTokenOwner("syt_one").isEmpty());
    assertEquals(2, accounts.revokeAllAccessTokens(ALICE));
    assertTrue(accounts.accessTokenOwner("syt_three").isEmpty());
  }

  @Test
  void deactivate_removesPasswordDevicesAndTokens_keepsIdTaken() {
    accounts.createUser(new NewUser(ALICE, "h", false, 1000));
    accounts.upsertDevice(ALICE, "D1", null, 1000);
    accounts.createAccessToken("syt_one", ALICE, "D1", 1000, 0);
    assertTrue(accounts.deactivate(ALICE, 2000));
    UserAccount account = accounts.user(ALICE).orElseThrow();
    assertTrue(account.deactivated());
    assertNull(account.passwordHash());
    assertTrue(accounts.devices(ALICE).isEmpty());
    assertTrue(accounts.accessTokenOwner("syt_one").isEmpty());
    assertFalse(accounts.createUser(new NewUser(ALICE, "h", false, 3000)));
    assertFalse(accounts.deactivate("@nobody:larch.test", 2000));
  }

  private void assertNoPlaintextTokens() throws SQLException {
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT token_hash FROM access_tokens")) {
      while (rs.next()) {
        assertFalse(rs.getString(1).startsWith("syt_"));
      }
    }
  }
}
