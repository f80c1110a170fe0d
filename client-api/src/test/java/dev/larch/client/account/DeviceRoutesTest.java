package dev.larch.client.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.client.TestClientApi;
import dev.larch.client.TestClientApi.Account;
import dev.larch.client.TestClientApi.Response;
import dev.larch.storage.contract.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Device management over HTTP, on each database. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class DeviceRoutesTest {
  private static final String V3 = "/_matrix/client/v3";
  private final TestDatabase kind;
  @TempDir Path tempDir;
  private TestClientApi api;
  private Account alice;
  private String phoneToken;

  DeviceRoutesTest(TestDatabase kind) {
    this.kind = kind;
  }

  @BeforeEach
  void start() throws Exception {
    api = TestClientApi.start(kind, tempDir);
    alice = api.register("alice", "pw");
    phoneToken = api.post(V3 + "/login", "{\"type\":\"m.login.password\",\"user\":\"alice\",\"password\":\"pw\","
        + "\"device_id\":\"PHONE\",\"initial_device_display_name\":\"Phone\"}", null).ok()
        .get("access_token").asText();
  }

  @AfterEach
  void stop() throws Exception {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void list_showsEveryDevice_withNameAndLastSeen() throws Exception {
    JsonNode devices = api.get(V3 + "/devices", alice.accessToken()).ok().get("devices");

    assertEquals(2, devices.size());
    JsonNode phone = devices.get(0).get("device_id").asText().equals("PHONE") ? devices.get(0) : devices.get(1);
    assertEquals("Phone", phone.get("display_name").asText());
    assertTrue(phone.get("last_seen_ts").asLong() > 0);
  }

  @Test
  void get_oneDevice_or404() throws Exception {
    assertEquals("PHONE", api.get(V3 + "/devices/PHONE", alice.accessToken()).ok().get("device_id").asText());
    api.get(V3 + "/devices/NOPE", alice.accessToken()).assertError(404, "M_NOT_FOUND");
  }

  @Test
  void rename_setsTheName_or404() throws Exception {
    api.call("PUT", V3 + "/devices/PHONE", "{\"display_name\":\"Old phone\"}", alice.accessToken()).ok();

    assertEquals("Old phone",
        api.get(V3 + "/devices/PHONE", alice.accessToken()).ok().get("display_name").asText());
    api.call("PUT", V3 + "/devices/NOPE", "{\"display_name\":\"x\"}", alice.accessToken())
        .assertError(404, "M_NOT_FOUND");
    api.call("PUT", V3 + "/devices/PHONE", "{\"display_name\":7}", alice.accessToken())
        .assertError(400, "M_BAD_JSON");
  }

  @Test
  void delete_needsUia_thenRemovesDeviceAndToken() throws Exception {
    Response first = api.call("DELETE", V3 + "/devices/PHONE", null, alice.accessToken());
    assertEquals(401, first.status());
    assertEquals("m.login.password", first.json().at("/flows/0/stages/0").asText());

    api.call("DELETE", V3 + "/devices/PHONE", "{\"auth\":{\"type\":\"m.login.password\",\"identifier\":{\"type\":"
        + "\"m.id.user\",\"user\":\"alice\"},\"password\":\"pw\",\"session\":\""
        + first.json().get("session").asText() + "\"}}", alice.accessToken()).ok();

    api.get(V3 + "/devices/PHONE", alice.accessToken()).assertError(404, "M_NOT_FOUND");
    api.get(V3 + "/account/whoami", phoneToken).assertError(401, "M_UNKNOWN_TOKEN");
  }

  @Test
  void delete_sessionForOneDevice_cannotDeleteAnother() throws Exception {
    String session = api.call("DELETE", V3 + "/devices/PHONE", null, alice.accessToken()).json()
        .get("session").asText();

    api.call("DELETE", V3 + "/devices/" + alice.deviceId(), "{\"auth\":{\"type\":\"m.login.password\","
        + "\"user\":\"alice\",\"password\":\"pw\",\"session\":\"" + session + "\"}}", alice.accessToken())
        .assertError(403, "M_FORBIDDEN");
  }

  @Test
  void deleteDevices_removesTheListedOnes() throws Exception {
    Response first = api.post(V3 + "/delete_devices", "{\"devices\":[\"PHONE\",\"UNKNOWN\"]}", alice.accessToken());
    assertEquals(401, first.status());

    api.post(V3 + "/delete_devices", "{\"devices\":[\"PHONE\",\"UNKNOWN\"],\"auth\":{\"type\":\"m.login.password\","
        + "\"user\":\"alice\",\"password\":\"pw\",\"session\":\"" + first.json().get("session").asText() + "\"}}",
        alice.accessToken()).ok();

    JsonNode devices = api.get(V3 + "/devices", alice.accessToken()).ok().get("devices");
    assertEquals(1, devices.size());
    assertFalse(devices.get(0).get("device_id").asText().equals("PHONE"));
  }

  @Test
  void deleteDevices_badBody() throws Exception {
    api.post(V3 + "/delete_devices", "{}", alice.accessToken()).assertError(400, "M_MISSING_PARAM");
    api.post(V3 + "/delete_devices", "{\"devices\":[1]}", alice.accessToken()).assertError(400, "M_BAD_JSON");
    api.post(V3 + "/delete_devices", "{\"devices\":\"PHONE\"}", alice.accessToken()).assertError(400, "M_BAD_JSON");
  }

  @Test
  void devices_ofAnotherUser_areInvisible() throws Exception {
    Account bob = api.register("bob", "pw");

    api.get(V3 + "/devices/PHONE", bob.accessToken()).assertError(404, "M_NOT_FOUND");
    assertEquals(1, api.get(V3 + "/devices", bob.accessToken()).ok().get("devices").size());
  }
}
