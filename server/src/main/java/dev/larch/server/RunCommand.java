package dev.larch.server;

import dev.larch.server.config.ConfigException;
import dev.larch.server.config.ConfigLoader;
import dev.larch.server.config.LarchConfig;
import dev.larch.server.config.RunFlags;
import dev.larch.server.identity.IdentityException;
import dev.larch.server.identity.KeyFile;
import dev.larch.server.identity.NodeIdentity;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code larch run}: flags and config, then the node's identity, then the server, then wait for a stop signal.
 *
 * <p>Every expected failure ends here as one message on stderr and an exit code (2 for configuration and identity
 * problems, 1 when the server cannot start), never as a stack trace.
 */
final class RunCommand {
  /** The exit code for an unusable command line, config or key file. */
  static final int EXIT_USAGE = 2;
  /** The exit code when the server cannot start, e.g. its port is taken. */
  static final int EXIT_START = 1;

  private RunCommand() {}

  /** Runs the node until SIGTERM/SIGINT and returns the process exit code. */
  static int run(List<String> args, PrintStream out, PrintStream err) {
    LarchServer server;
    try {
      RunFlags flags = RunFlags.parse(args);
      if (flags.help()) {
        out.print(RunFlags.USAGE);
        return 0;
      }
      LarchConfig config = ConfigLoader.load(flags.configFile().orElseGet(RunCommand::defaultConfigFile),
          flags.values(), flags.lists());
      KeyFile keyFile = KeyFile.loadOrCreate(config.dataPath(), new SecureRandom());
      NodeIdentity identity = NodeIdentity.of(keyFile, config.classicServerName());
      server = LarchServer.start(config, identity);
    } catch (ConfigException e) {
      LarchMain.printProblems(err, e.problems());
      return EXIT_USAGE;
    } catch (IdentityException e) {
      LarchMain.printProblems(err, List.of(e.getMessage()));
      return EXIT_USAGE;
    } catch (StartException e) {
      LarchMain.printProblems(err, List.of(e.getMessage()));
      return EXIT_START;
    }

    CountDownLatch stopRequested = new CountDownLatch(1);
    // The hook covers stops that bypass the signal handlers (SIGHUP, System.exit elsewhere): the node still closes.
    Thread hook = new Thread(server::close, "larch-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    StopSignals.install(stopRequested::countDown);
    try {
      stopRequested.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.close();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down and the hook is running or ran; close() is idempotent.
    }
    return 0;
  }

  /**
   * {@code conf/larch.yaml} of the installation ({@code larch.home}, set by the launcher) if it exists, else the one
   * in the working directory if it exists, else none: the built-in defaults.
   */
  static Path defaultConfigFile() {
    String home = System.getProperty("larch.home");
    if (home != null) {
      Path file = Path.of(home, "conf", "larch.yaml");
      if (Files.isRegularFile(file)) {
        return file;
      }
    }
    Path local = Path.of("conf", "larch.yaml");
    return Files.isRegularFile(local) ? local : null;
  }
}
