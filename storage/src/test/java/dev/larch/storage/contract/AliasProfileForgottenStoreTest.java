package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.alias.AliasStore;
import dev.larch.core.membership.ForgottenRoomStore;
import dev.larch.core.profile.Profile;
import dev.larch.core.profile.ProfileStore;
import dev.larch.storage.alias.JdbcAliasStore;
import dev.larch.storage.membership.JdbcForgottenRoomStore;
import dev.larch.storage.profile.JdbcProfileStore;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@link AliasStore}, {@link ProfileStore} and {@link ForgottenRoomStore} contracts (V003 tables). */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class AliasProfileForgottenStoreTest extends DatabaseTest {
  private static final String ALICE = "@alice:larch.test";

  AliasProfileForgottenStoreTest(TestDatabase kind) {
    super(kind);
  }

  @Test
  void aliases_createIsFirstComeFirstServed() {
    AliasStore store = new JdbcAliasStore(database);
    assertTrue(store.create("#a:larch.test", "!r:larch.test", ALICE));
    assertFalse(store.create("#a:larch.test", "!other:larch.test", "@bob:larch.test"));
    assertTrue(store.create("#b:larch.test", "!r:larch.test", ALICE));
    assertEquals(new AliasStore.RoomAliasEntry("#a:larch.test", "!r:larch.test", ALICE),
        store.get("#a:larch.test").orElseThrow());
    assertEquals(List.of("#a:larch.test", "#b:larch.test"), store.aliasesOf("!r:larch.test"));
    assertTrue(store.delete("#a:larch.test"));
    assertFalse(store.delete("#a:larch.test"));
    assertTrue(store.get("#a:larch.test").isEmpty());
    reopen();
    assertEquals(List.of("#b:larch.test"), new JdbcAliasStore(database).aliasesOf("!r:larch.test"));
  }

  @Test
  void profiles_fieldsAreSetAndClearedIndependently() {
    ProfileStore store = new JdbcProfileStore(database);
    assertTrue(store.get(ALICE).isEmpty());
    store.setDisplayName(ALICE, "Alice");
    store.setAvatarUrl(ALICE, "mxc://larch.test/a");
    assertEquals(new Profile("Alice", "mxc://larch.test/a"), store.get(ALICE).orElseThrow());
    store.setDisplayName(ALICE, null);
    assertEquals(new Profile(null, "mxc://larch.test/a"), store.get(ALICE).orElseThrow());
  }

  @Test
  void forgottenRooms_forgetAndUnforget() {
    ForgottenRoomStore store = new JdbcForgottenRoomStore(database);
    store.forget(ALICE, "!a:larch.test");
    store.forget(ALICE, "!a:larch.test");
    store.forget(ALICE, "!b:larch.test");
    assertEquals(Set.of("!a:larch.test", "!b:larch.test"), store.forgotten(ALICE));
    store.unforget(ALICE, "!a:larch.test");
    assertEquals(Set.of("!b:larch.test"), store.forgotten(ALICE));
    assertTrue(store.forgotten("@bob:larch.test").isEmpty());
  }
}
