package dev.larch.client.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.client.ClientSettings;
import dev.larch.client.TestClientApi;
import dev.larch.client.TestClientApi.Account;
import dev.larch.client.TestClientApi.Response;
import dev.larch.core.ratelimit.RateLimit;
import dev.larch.core.user.AccountSettings;
import dev.larch.core.user.RegistrationPolicy;
import dev.larch.storage.contract.TestDatabase;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Registration, login, logout and account management over HTTP, on each database. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class AccountRoutesTest {
  private static final String V3 = "/_matrix/client/v3";
  private final TestDatabase kind;
  @TempDir Path tempDir;
  private TestClientApi api;

  AccountRoutesTest(TestDatabase kind) {
    this.kind = kind;
  }

  private TestClientApi api() throws Exception {
    if (api == null) {
      api = TestClientApi.start(kind, tempDir);
    }
    return api;
  }

  private TestClientApi api(AccountSettings settings) throws Exception {
    api = TestClientApi.start(kind, tempDir, settings, ClientSettings.defaults(4), (r, e) -> {});
    return api;
  }

  @AfterEach
  void stop() throws Exception {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void register_firstRound_is401WithDummyFlow_andNoErrcode() throws Exception {
    Response r = api().post(V3 + "/register", "{\"username\":\"alice\",\"password\":\"pw\"}", null);

    assertEquals(401, r.status());
    assertEquals("m.login.dummy", r.json().at("/flows/0/stages/0").asText());
    assertTrue(r.json().get("params").isObject());
    assertFalse(r.json().get("session").asText().isEmpty());
    assertFalse(r.json().has("errcode"), r.text());
  }

  @Test
  void register_withDummyAuth_returnsUserTokenAndDevice() throws Exception {
    Account alice = api().register("alice", "pw");

    assertEquals("@alice:larch.test", alice.userId());
    assertTrue(alice.accessToken().length() >= 43, alice.accessToken());
    JsonNode who = api().get(V3 + "/account/whoami", alice.accessToken()).ok();
    assertEquals("@alice:larch.test", who.get("user_id").asText());
    assertEquals(alice.deviceId(), who.get("device_id").asText());
    assertFalse(who.get("is_guest").asBoolean());
  }

  @Test
  void register_inOneRound_withoutSession_likeMatrixNio() throws Exception {
    JsonNode body = api().post(V3 + "/register",
        "{\"username\":\"nio\",\"password\":\"pw\",\"device_id\":\"NIODEV\",\"initial_device_display_name\":\"n\","
            + "\"auth\":{\"type\":\"m.login.dummy\"}}", null).ok();

    assertEquals("@nio:larch.test", body.get("user_id").asText());
    assertEquals("NIODEV", body.get("device_id").asText());
    assertEquals("larch.test", body.get("home_server").asText());
  }

  @Test
  void register_withoutUsername_generatesOne_andInhibitLoginReturnsNoToken() throws Exception {
    JsonNode body = api().post(V3 + "/register",
        "{\"inhibit_login\":true,\"auth\":{\"type\":\"m.login.dummy\"}}", null).ok();

    assertTrue(body.get("user_id").asText().matches("@[a-z0-9]{12}:larch\\.test"), body.toString());
    assertFalse(body.has("access_token"));
    assertFalse(body.has("device_id"));
  }

  @Test
  void register_takenOrInvalidName_failsBeforeUia() throws Exception {
    api().register("alice", "pw");

    api().post(V3 + "/register", "{\"username\":\"alice\"}", null).assertError(400, "M_USER_IN_USE");
    api().post(V3 + "/register", "{\"username\":\"Alice\"}", null).assertError(400, "M_INVALID_USERNAME");
    api().post(V3 + "/register", "{\"username\":\"a:b\"}", null).assertError(400, "M_INVALID_USERNAME");
    api().post(V3 + "/register", "{\"username\":\"\"}", null).assertError(400, "M_INVALID_USERNAME");
  }

  @Test
  void register_wrongTypes_areBadJson_andGarbageIsNotJson() throws Exception {
    api().post(V3 + "/register", "{\"username\":5}", null).assertError(400, "M_BAD_JSON");
    api().post(V3 + "/register", "{\"inhibit_login\":\"yes\"}", null).assertError(400, "M_BAD_JSON");
    api().post(V3 + "/register", "{\"username\":", null).assertError(400, "M_NOT_JSON");
    api().post(V3 + "/register", "[]", null).assertError(400, "M_BAD_JSON");
  }

  @Test
  void register_closed_is403() throws Exception {
    api(new AccountSettings(TestClientApi.SERVER, RegistrationPolicy.CLOSED, Set.of(),
        AccountSettings.DEFAULT_LIMIT, AccountSettings.DEFAULT_LIMIT));

    api.post(V3 + "/register", "{\"username\":\"alice\"}", null).assertError(403, "M_FORBIDDEN");
  }

  @Test
  void register_guest_isForbidden() throws Exception {
    api().post(V3 + "/register?kind=guest", "{}", null).assertError(403, "M_GUEST_ACCESS_FORBIDDEN");
    api().post(V3 + "/register?kind=robot", "{}", null).assertError(400, "M_INVALID_PARAM");
  }

  @Test
  void register_tokenPolicy_needsARegistrationToken() throws Exception {
    api(new AccountSettings(TestClientApi.SERVER, RegistrationPolicy.TOKEN, Set.of("s3cret"),
        AccountSettings.DEFAULT_LIMIT, AccountSettings.DEFAULT_LIMIT));
    Response first = api.post(V3 + "/register", "{\"username\":\"bob\",\"password\":\"pw\"}", null);
    assertEquals("m.login.registration_token", first.json().at("/flows/0/stages/0").asText());
    String session = first.json().get("session").asText();

    Response wrong = api.post(V3 + "/register", "{\"username\":\"bob\",\"password\":\"pw\",\"auth\":{\"type\":"
        + "\"m.login.registration_token\",\"token\":\"nope\",\"session\":\"" + session + "\"}}", null);
    assertEquals(401, wrong.status());
    assertEquals("M_UNAUTHORIZED", wrong.errcode());
    api.post(V3 + "/register", "{\"username\":\"bob\",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\""
        + session + "\"}}", null).assertError(401, "M_UNRECOGNIZED");

    JsonNode ok = api.post(V3 + "/register", "{\"username\":\"bob\",\"password\":\"pw\",\"auth\":{\"type\":"
        + "\"m.login.registration_token\",\"token\":\"s3cret\",\"session\":\"" + session + "\"}}", null).ok();
    assertEquals("@bob:larch.test", ok.get("user_id").asText());
    assertTrue(api.get("/_matrix/client/v1/register/m.login.registration_token/validity?token=s3cret", null)
        .ok().get("valid").asBoolean());
    assertFalse(api.get("/_matrix/client/v1/register/m.login.registration_token/validity?token=x", null)
        .ok().get("valid").asBoolean());
  }

  @Test
  void register_overTheRateLimit_is429WithRetryAfter() throws Exception {
    api(new AccountSettings(TestClientApi.SERVER, RegistrationPolicy.OPEN, Set.of(),
        AccountSettings.DEFAULT_LIMIT, new RateLimit(0.1, 2)));
    api.post(V3 + "/register", "{\"auth\":{\"type\":\"m.login.dummy\"}}", null).ok();
    api.post(V3 + "/register", "{\"auth\":{\"type\":\"m.login.dummy\"}}", null).ok();

    Response limited = api.post(V3 + "/register", "{\"auth\":{\"type\":\"m.login.dummy\"}}", null);
    limited.assertError(429, "M_LIMIT_EXCEEDED");
    assertTrue(limited.json().get("retry_after_ms").asLong() > 0, limited.text());
  }

  @Test
  void available_answersTrue_orTheReason() throws Exception {
    api().register("alice", "pw");

    assertTrue(api().get(V3 + "/register/available?username=bob", null).ok().get("available").asBoolean());
    api().get(V3 + "/register/available?username=alice", null).assertError(400, "M_USER_IN_USE");
    api().get(V3 + "/register/available?username=B%C3%B6b", null).assertError(400, "M_INVALID_USERNAME");
    api().get(V3 + "/register/available", null).assertError(400, "M_MISSING_PARAM");
  }

  @Test
  void loginFlows_listPassword() throws Exception {
    JsonNode flows = api().get(V3 + "/login", null).ok();
    assertEquals("m.login.password", flows.at("/flows/0/type").asText());
  }

  @Test
  void login_withIdentifier_orLegacyUser_orFullId() throws Exception {
    Account alice = api().register("alice", "pw");

    JsonNode a = api().post(V3 + "/login", "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\","
        + "\"user\":\"alice\"},\"password\":\"pw\",\"initial_device_display_name\":\"laptop\"}", null).ok();
    assertEquals("@alice:larch.test", a.get("user_id").asText());
    assertEquals("larch.test", a.get("home_server").asText());
    assertNotEquals(alice.deviceId(), a.get("device_id").asText());
    JsonNode b = api().post(V3 + "/login",
        "{\"type\":\"m.login.password\",\"user\":\"@alice:larch.test\",\"password\":\"pw\"}", null).ok();
    assertNotEquals(a.get("access_token").asText(), b.get("access_token").asText());
  }

  @Test
  void login_reusingADeviceId_keepsTheDevice() throws Exception {
    Account alice = api().register("alice", "pw");

    JsonNode again = api().post(V3 + "/login", "{\"type\":\"m.login.password\",\"user\":\"alice\","
        + "\"password\":\"pw\",\"device_id\":\"" + alice.deviceId() + "\"}", null).ok();
    assertEquals(alice.deviceId(), again.get("device_id").asText());
    assertEquals(1, api().get(V3 + "/devices", alice.accessToken()).ok().get("devices").size());
  }

  @Test
  void login_badCredentials_is403_andOtherTypesAreUnknown() throws Exception {
    api().register("alice", "pw");

    api().post(V3 + "/login", "{\"type\":\"m.login.password\",\"user\":\"alice\",\"password\":\"no\"}", null)
        .assertError(403, "M_FORBIDDEN");
    api().post(V3 + "/login", "{\"type\":\"m.login.password\",\"user\":\"nobody\",\"password\":\"pw\"}", null)
        .assertError(403, "M_FORBIDDEN");
    api().post(V3 + "/login", "{\"type\":\"m.login.password\",\"user\":\"@alice:elsewhere\",\"password\":\"pw\"}",
        null).assertError(403, "M_FORBIDDEN");
    api().post(V3 + "/login", "{\"type\":\"m.login.token\",\"token\":\"x\"}", null).assertError(400, "M_UNKNOWN");
    api().post(V3 + "/login", "{\"type\":\"m.login.password\",\"user\":\"alice\"}", null)
        .assertError(400, "M_BAD_JSON");
    api().post(V3 + "/login", "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.thirdparty\","
        + "\"medium\":\"email\",\"address\":\"a@b.c\"},\"password\":\"pw\"}", null).assertError(400, "M_UNKNOWN");
  }

  @Test
  void login_overTheRateLimit_is429() throws Exception {
    api(new AccountSettings(TestClientApi.SERVER, RegistrationPolicy.OPEN, Set.of(), new RateLimit(0.1, 3),
        AccountSettings.DEFAULT_LIMIT));
    String wrong = "{\"type\":\"m.login.password\",\"user\":\"x\",\"password\":\"no\"}";
    for (int i = 0; i < 3; i++) {
      api.post(V3 + "/login", wrong, null).assertError(403, "M_FORBIDDEN");
    }
    Response limited = api.post(V3 + "/login", wrong, null).assertError(429, "M_LIMIT_EXCEEDED");
    assertTrue(limited.json().get("retry_after_ms").asLong() > 1000, limited.text());
  }

  @Test
  void logout_revokesTheTokenAndDeletesTheDevice() throws Exception {
    Account alice = api().register("alice", "pw");
    JsonNode second = api().post(V3 + "/login",
        "{\"type\":\"m.login.password\",\"user\":\"alice\",\"password\":\"pw\"}", null).ok();

    api().post(V3 + "/logout", "{}", alice.accessToken()).ok();

    Response gone = api().get(V3 + "/account/whoami", alice.accessToken()).assertError(401, "M_UNKNOWN_TOKEN");
    assertFalse(gone.json().get("soft_logout").asBoolean());
    JsonNode devices = api().get(V3 + "/devices", second.get("access_token").asText()).ok().get("devices");
    assertEquals(1, devices.size());
    assertEquals(second.get("device_id").asText(), devices.get(0).get("device_id").asText());
  }

  @Test
  void logoutAll_revokesEveryToken() throws Exception {
    Account alice = api().register("alice", "pw");
    String other = api().post(V3 + "/login",
        "{\"type\":\"m.login.password\",\"user\":\"alice\",\"password\":\"pw\"}", null).ok()
        .get("access_token").asText();

    api().post(V3 + "/logout/all", null, other).ok();

    api().get(V3 + "/account/whoami", alice.accessToken()).assertError(401, "M_UNKNOWN_TOKEN");
    api().get(V3 + "/account/whoami", other).assertError(401, "M_UNKNOWN_TOKEN");
  }

  @Test
  void changePassword_needsTheOldOne_thenLogsOutOtherDevices() throws Exception {
    Account alice = api().register("alice", "old");
    String other = api().post(V3 + "/login",
        "{\"type\":\"m.login.password\",\"user\":\"alice\",\"password\":\"old\"}", null).ok()
        .get("access_token").asText();
    String body = "{\"new_password\":\"new\"";

    Response first = api().post(V3 + "/account/password", body + "}", alice.accessToken());
    assertEquals(401, first.status());
    assertEquals("m.login.password", first.json().at("/flows/0/stages/0").asText());
    String session = first.json().get("session").asText();
    String auth = ",\"auth\":{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\","
        + "\"user\":\"alice\"},\"session\":\"" + session + "\",\"password\":";
    Response wrong = api().post(V3 + "/account/password", body + auth + "\"bad\"}}", alice.accessToken());
    assertEquals(401, wrong.status());
    assertEquals("M_FORBIDDEN", wrong.errcode());
    api().post(V3 + "/account/password", body + auth + "\"old\"}}", alice.accessToken()).ok();

    api().get(V3 + "/account/whoami", alice.accessToken()).ok();
    api().get(V3 + "/account/whoami", other).assertError(401, "M_UNKNOWN_TOKEN");
    api().post(V3 + "/login", "{\"type\":\"m.login.password\",\"user\":\"alice\",\"password\":\"old\"}", null)
        .assertError(403, "M_FORBIDDEN");
    api().post(V3 + "/login", "{\"type\":\"m.login.password\",\"user\":\"alice\",\"password\":\"new\"}", null).ok();
  }

  @Test
  void changePassword_withLogoutDevicesFalse_keepsOtherSessions() throws Exception {
    Account alice = api().register("alice", "old");
    String other = api().post(V3 + "/login",
        "{\"type\":\"m.login.password\",\"user\":\"alice\",\"password\":\"old\"}", null).ok()
        .get("access_token").asText();

    api().post(V3 + "/account/password", "{\"new_password\":\"new\",\"logout_devices\":false,\"auth\":{\"type\":"
        + "\"m.login.password\",\"user\":\"alice\",\"password\":\"old\"}}", alice.accessToken()).ok();

    api().get(V3 + "/account/whoami", other).ok();
  }

  @Test
  void changePassword_uiaSessionCannotBeReusedForAnotherBody() throws Exception {
    Account alice = api().register("alice", "old");
    String session = api().post(V3 + "/account/password", "{\"new_password\":\"new\"}", alice.accessToken())
        .json().get("session").asText();

    api().post(V3 + "/account/password", "{\"new_password\":\"evil\",\"auth\":{\"type\":\"m.login.password\","
        + "\"user\":\"alice\",\"password\":\"old\",\"session\":\"" + session + "\"}}", alice.accessToken())
        .assertError(403, "M_FORBIDDEN");
  }

  @Test
  void deactivate_afterUia_locksTheAccountOut_andTheNameStaysTaken() throws Exception {
    Account alice = api().register("alice", "pw");
    assertEquals(401, api().post(V3 + "/account/deactivate", null, alice.accessToken()).status());

    JsonNode done = api().post(V3 + "/account/deactivate", "{\"auth\":{\"type\":\"m.login.password\","
        + "\"user\":\"alice\",\"password\":\"pw\"}}", alice.accessToken()).ok();

    assertEquals("success", done.get("id_server_unbind_result").asText());
    api().get(V3 + "/account/whoami", alice.accessToken()).assertError(401, "M_UNKNOWN_TOKEN");
    api().post(V3 + "/login", "{\"type\":\"m.login.password\",\"user\":\"alice\",\"password\":\"pw\"}", null)
        .assertError(403, "M_FORBIDDEN");
    api().get(V3 + "/register/available?username=alice", null).assertError(400, "M_USER_IN_USE");
  }

  @Test
  void r0Alias_andQueryToken_work() throws Exception {
    Account alice = api().register("alice", "pw");

    assertEquals(alice.userId(),
        api().get("/_matrix/client/r0/account/whoami?access_token=" + alice.accessToken(), null).ok()
            .get("user_id").asText());
    api().post("/_matrix/client/r0/login", "{\"type\":\"m.login.password\",\"user\":\"alice\",\"password\":\"pw\"}",
        null).ok();
  }
}
