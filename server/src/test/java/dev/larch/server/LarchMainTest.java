package dev.larch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line run in-process: exit codes and the one message on stderr. */
class LarchMainTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int execute(String... args) {
    return LarchMain.execute(
        args,
        new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private void assertCleanError(String expectedStart) {
    String text = stderr();
    assertTrue(text.startsWith("larch: " + expectedStart), text);
    assertFalse(text.contains("\tat "), "no stack trace: " + text);
    assertFalse(text.contains("Exception"), "no exception names: " + text);
  }

  @Test
  void run_badPortFlag_exits2NamingFlag() {
    assertEquals(2, execute("run", "--data-dir", dir.toString(), "--client-listen=127.0.0.1:70000"));
    assertCleanError("--client-listen: ");
    assertFalse(Files.exists(dir.resolve("signing.key")), "nothing is created before the config is valid");
  }

  @Test
  void run_unknownFlag_exits2NamingFlag() {
    assertEquals(2, execute("run", "--port", "8008"));
    assertCleanError("unknown flag --port");
  }

  @Test
  void run_unknownConfigKey_exits2NamingFileAndKey() throws IOException {
    Path config = Files.writeString(dir.resolve("larch.yaml"), "client:\n  port: 8008\n");
    assertEquals(2, execute("run", "--config", config.toString()));
    assertCleanError(config + ": unknown key client.port");
  }

  @Test
  void run_missingConfigFile_exits2() {
    assertEquals(2, execute("run", "--config", dir.resolve("missing.yaml").toString()));
    assertCleanError("config file ");
  }

  @Test
  void run_badServerName_exits2() {
    assertEquals(2, execute("run", "--data-dir", dir.toString(), "--server-name", "not a name"));
    assertCleanError("--server-name: ");
  }

  @Test
  void run_corruptKeyFile_exits2AndKeepsFile() throws IOException {
    Files.writeString(dir.resolve("signing.key"), "not a key\n");
    assertEquals(2, execute("run", "--data-dir", dir.toString(), "--client-listen", "127.0.0.1:0"));
    assertCleanError("key file ");
    assertEquals("not a key\n", Files.readString(dir.resolve("signing.key")));
  }

  @Test
  void run_severalProblems_listsEach() {
    assertEquals(2, execute("run", "--client-listen=x", "--server-name=a b", "--database-url=y"));
    String text = stderr();
    assertTrue(text.startsWith("larch: 3 problems with the configuration:"), text);
    assertEquals(4, text.lines().count(), text);
  }

  @Test
  void run_badStaticPeer_exits2NamingFlag() {
    assertEquals(2, execute("run", "--data-dir", dir.toString(), "--no-multicast", "--static-peer", "tcp://h:1"));
    assertCleanError("--static-peer: \"tcp://h:1\" has an unsupported scheme");
  }

  @Test
  void run_badOverlayListen_exits2NamingFlag() {
    assertEquals(2, execute("run", "--data-dir", dir.toString(), "--overlay-listen", "0.0.0.0:70000"));
    assertCleanError("--overlay-listen: ");
  }

  @Test
  void run_help_printsUsageAndExits0() {
    assertEquals(0, execute("run", "--help"));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("--client-listen"));
  }

  @Test
  void execute_noArguments_exits2WithUsage() {
    assertEquals(2, execute());
    assertTrue(stderr().startsWith("Usage:"), stderr());
  }

  @Test
  void execute_unknownCommand_exits2() {
    assertEquals(2, execute("serve"));
    assertTrue(stderr().startsWith("larch: unknown command \"serve\""), stderr());
  }

  @Test
  void tool_unknownName_exits2ListingTools() {
    assertEquals(2, execute("tool", "frobnicate"));
    assertCleanError("unknown tool \"frobnicate\"; available tools: canonical-json, resolve-state, verify-event");
  }

  @Test
  void tool_noName_exits2() {
    assertEquals(2, execute("tool"));
    assertCleanError("tool needs a name");
  }
}
