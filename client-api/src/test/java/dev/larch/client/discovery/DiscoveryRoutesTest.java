package dev.larch.client.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.client.ClientSettings;
import dev.larch.client.TestClientApi;
import dev.larch.core.user.AccountSettings;
import dev.larch.storage.contract.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Capabilities, well-known and auth_metadata (H2 only: none of it touches the database beyond the token). */
class DiscoveryRoutesTest {
  @TempDir Path tempDir;
  private TestClientApi api;

  @AfterEach
  void stop() throws Exception {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void capabilities_listRoomVersionsAndPasswordChange() throws Exception {
    api = TestClientApi.start(TestDatabase.H2, tempDir);
    String token = api.register("alice", "pw").accessToken();

    JsonNode caps = api.get("/_matrix/client/v3/capabilities", token).ok().get("capabilities");

    assertEquals("10", caps.at("/m.room_versions/default").asText());
    for (int v = 1; v <= 12; v++) {
      assertEquals("stable", caps.at("/m.room_versions/available/" + v).asText(), "version " + v);
    }
    assertTrue(caps.at("/m.change_password/enabled").asBoolean());
    assertTrue(caps.at("/m.set_displayname/enabled").asBoolean());
    assertTrue(caps.at("/m.set_avatar_url/enabled").asBoolean());
    assertEquals(false, caps.at("/m.3pid_changes/enabled").asBoolean(true));
    api.get("/_matrix/client/v3/capabilities", null).assertError(401, "M_MISSING_TOKEN");
    api.get("/_matrix/client/r0/capabilities", token).ok();
  }

  @Test
  void wellKnown_fromTheRequest_orFromConfig() throws Exception {
    api = TestClientApi.start(TestDatabase.H2, tempDir);
    assertEquals(api.base(), api.get("/.well-known/matrix/client", null).ok().at("/m.homeserver/base_url").asText());
    api.close();

    api = TestClientApi.start(TestDatabase.H2, tempDir.resolve("2"), AccountSettings.defaults(TestClientApi.SERVER),
        new ClientSettings(ClientSettings.DEFAULT_MAX_BODY_BYTES, "https://matrix.example.org", 2), (r, e) -> {});
    assertEquals("https://matrix.example.org",
        api.get("/.well-known/matrix/client", null).ok().at("/m.homeserver/base_url").asText());
    JsonNode login = api.post("/_matrix/client/v3/register", "{\"auth\":{\"type\":\"m.login.dummy\"}}", null).ok();
    assertEquals("https://matrix.example.org", login.at("/well_known/m.homeserver/base_url").asText());
  }

  @Test
  void authMetadata_is404Unrecognized() throws Exception {
    api = TestClientApi.start(TestDatabase.H2, tempDir);
    api.get("/_matrix/client/v1/auth_metadata", null).assertError(404, "M_UNRECOGNIZED");
  }
}
