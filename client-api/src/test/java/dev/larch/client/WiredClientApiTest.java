package dev.larch.client;

import dev.larch.storage.contract.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A test of client routes over HTTP: every test method gets a fresh {@link WiredClientApi} as {@link #api}, and the
 * whole class runs once on each {@link TestDatabase}. A subclass logs in the users it needs in its own
 * {@code @BeforeEach}, which JUnit runs after this one.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
public abstract class WiredClientApiTest {
  @Parameter TestDatabase kind;
  @TempDir Path tempDir;
  protected WiredClientApi api;

  @BeforeEach
  void startApi() throws Exception {
    api = new WiredClientApi(kind, tempDir);
  }

  @AfterEach
  void stopApi() throws Exception {
    if (api != null) {
      api.close();
    }
  }
}
