package dev.larch.client.voip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.larch.client.TestClientApi;
import dev.larch.storage.contract.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /voip/turnServer} and {@code /thirdparty/protocols} answer empty objects, and only to signed-in users. */
class EmptyDirectoriesTest {
  @TempDir Path tempDir;
  private TestClientApi api;

  @AfterEach
  void stop() throws Exception {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void turnServerAndProtocols_whenSignedIn_areEmptyObjects_elseMissingToken() throws Exception {
    api = TestClientApi.start(TestDatabase.H2, tempDir);
    String token = api.register("alice", "pw").accessToken();

    for (String path : new String[] {"/voip/turnServer", "/thirdparty/protocols"}) {
      assertEquals(0, api.get("/_matrix/client/v3" + path, token).ok().size(), path);
      assertEquals(0, api.get("/_matrix/client/r0" + path, token).ok().size(), path);
      api.get("/_matrix/client/v3" + path, null).assertError(401, "M_MISSING_TOKEN");
    }
  }
}
