package dev.larch.overlay.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway network namespace ({@code ip netns add larch-it-<random>}) whose only interface is {@code lo}, for
 * tests that run multicast or Go nodes (which always start multicast): nothing sent inside can reach another host.
 * Deleted by {@link #close} and, as a last resort, by a shutdown hook.
 */
final class Netns implements AutoCloseable {
  private final String name;
  private final Thread cleanup;

  private Netns(String name) {
    this.name = name;
    this.cleanup = new Thread(() -> run(5, "ip", "netns", "del", name));
    Runtime.getRuntime().addShutdownHook(cleanup);
  }

  /** Creates a namespace with {@code lo} up, or returns null and leaves {@code why[0]} set. */
  static Netns create(String[] why) {
    byte[] random = new byte[4];
    new SecureRandom().nextBytes(random);
    String name = "larch-it-" + HexFormat.of().formatHex(random);
    Result add = run(10, "ip", "netns", "add", name);
    if (add.code != 0) {
      why[0] = "`ip netns add` failed (needs root and iproute2): " + add.output.strip();
      return null;
    }
    Netns ns = new Netns(name);
    Result up = ns.exec(10, "ip", "link", "set", "lo", "up");
    if (up.code != 0) {
      why[0] = "cannot bring lo up in " + name + ": " + up.output.strip();
      ns.close();
      return null;
    }
    return ns;
  }

  String name() {
    return name;
  }

  /** The command line that runs {@code command} inside the namespace. */
  List<String> wrap(List<String> command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
    full.addAll(command);
    return full;
  }

  /** Runs a short command inside the namespace. */
  Result exec(int timeoutSeconds, String... command) {
    return run(timeoutSeconds, wrap(List.of(command)).toArray(String[]::new));
  }

  @Override
  public void close() {
    run(10, "ip", "netns", "del", name);
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs anyway
    }
  }

  /** Outcome of a short command. */
  record Result(int code, String output) {}

  static Result run(int timeoutSeconds, String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, String.join(" ", command) + ": timed out");
      }
      return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, String.join(" ", command) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }

  /**
   * A prerequisite is missing: with {@code CI=true} the test fails (CI must prove interop), elsewhere it is skipped
   * with a banner on stderr that nobody can miss.
   */
  static void unavailable(String test, String reason) {
    unavailable(test, reason, true);
  }

  /** As {@link #unavailable(String, String)}; {@code failInCi} false skips even in CI (a kernel limit, not setup). */
  static void unavailable(String test, String reason, boolean failInCi) {
    String banner = "\n" + "!".repeat(100) + "\n!!! " + test + " NOT RUN: " + reason + "\n" + "!".repeat(100) + "\n";
    System.err.println(banner);
    if (failInCi && "true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(test + " cannot run in CI: " + reason);
    }
    Assumptions.abort(test + " skipped: " + reason);
  }
}
