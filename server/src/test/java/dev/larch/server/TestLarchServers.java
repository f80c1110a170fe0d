package dev.larch.server;

import dev.larch.core.user.PasswordHasher;
import dev.larch.server.config.LarchConfig;
import dev.larch.server.identity.NodeIdentity;

/** Starts a {@link LarchServer} with cheap password hashing, for tests in other packages of the server module. */
public final class TestLarchServers {
  private TestLarchServers() {}

  /** {@link LarchServer#start(LarchConfig, NodeIdentity)} with {@link PasswordHasher#FOR_TESTS}. */
  public static LarchServer start(LarchConfig config, NodeIdentity identity) throws StartException {
    return LarchServer.start(config, identity, PasswordHasher.FOR_TESTS);
  }
}
