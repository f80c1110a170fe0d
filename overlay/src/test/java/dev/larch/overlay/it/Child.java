package dev.larch.overlay.it;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process of a netns test (a Go node, the Go traffic peer or an {@link OverlayProbe} JVM): its stdout lines
 * are collected (and decoded when they are JSON objects) so a test can wait for one with a deadline; stderr goes to a
 * log file that the failure message points at.
 */
final class Child implements AutoCloseable {
  private final String label;
  private final Process process;
  private final Path stderr;
  private final List<String> lines = new ArrayList<>();
  private final Writer stdin;

  private Child(String label, Process process, Path stderr) {
    this.label = label;
    this.process = process;
    this.stderr = stderr;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readLoop, "child-" + label);
    reader.setDaemon(true);
    reader.start();
  }

  /** Where child logs go: {@code larch.it.logs} (the module's build folder under Maven), else a temp folder. */
  static Path logDir(String test) throws IOException {
    String configured = System.getProperty("larch.it.logs");
    Path dir = configured == null ? Files.createTempDirectory("larch-it-") : Path.of(configured, test);
    return Files.createDirectories(dir);
  }

  static Child start(String label, List<String> command, Path logDir) throws IOException {
    Path err = logDir.resolve(label + ".stderr.log");
    Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
    return new Child(label, p, err);
  }

  private void readLoop() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        synchronized (lines) {
          lines.add(line);
          lines.notifyAll();
        }
      }
    } catch (IOException e) {
      // the process went away; waiters time out with the lines seen so far
    }
  }

  /** Waits for the first stdout line (from the start) matching {@code match}. */
  Optional<String> awaitLine(Predicate<String> match, long timeoutMs) throws InterruptedException {
    return awaitLine(0, match, timeoutMs);
  }

  /** Waits for the first stdout line at index {@code from} or later matching {@code match}. */
  Optional<String> awaitLine(int from, Predicate<String> match, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    synchronized (lines) {
      int seen = from;
      while (true) {
        for (; seen < lines.size(); seen++) {
          if (match.test(lines.get(seen))) {
            return Optional.of(lines.get(seen));
          }
        }
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          return Optional.empty();
        }
        lines.wait(left);
      }
    }
  }

  /** Waits for the first JSON event line matching {@code match}. */
  Optional<JsonObject> awaitEvent(Predicate<JsonObject> match, long timeoutMs) throws InterruptedException {
    return awaitLine(line -> json(line).filter(match).isPresent(), timeoutMs).flatMap(Child::json);
  }

  /** How many stdout lines arrived so far (an index for {@link #awaitLine(int, Predicate, long)}). */
  int lineCount() {
    synchronized (lines) {
      return lines.size();
    }
  }

  /** Every stdout line so far. */
  List<String> lines() {
    synchronized (lines) {
      return new ArrayList<>(lines);
    }
  }

  /** Every JSON event so far. */
  List<JsonObject> events() {
    return lines().stream().flatMap(l -> json(l).stream()).toList();
  }

  void command(String line) throws IOException {
    stdin.write(line + "\n");
    stdin.flush();
  }

  boolean alive() {
    return process.isAlive();
  }

  String describe() {
    List<String> all = lines();
    List<String> tail = all.subList(Math.max(0, all.size() - 30), all.size());
    return label + (process.isAlive() ? " (running)" : " (exited " + process.exitValue() + ")") + ", stderr in "
        + stderr + ", last stdout lines:\n  " + String.join("\n  ", tail);
  }

  private static Optional<JsonObject> json(String line) {
    if (!line.startsWith("{")) {
      return Optional.empty();
    }
    try {
      return Optional.of(new JsonObject(line));
    } catch (DecodeException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
