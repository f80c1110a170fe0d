package dev.larch.server.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResolveStateToolTest {
  @TempDir Path dir;

  @Test
  void run_whenBatches_printsExpectedState() throws IOException {
    ToolRun run =
        ToolRun.of(
            ResolveStateTool::run,
            "",
            "--events",
            fixture("fixtures/bootstrap-public-chat.json"),
            "--events",
            fixture("fixtures/ban-vs-power-levels-alice.json"),
            "--events=" + fixture("fixtures/ban-vs-power-levels-bob.json"));

    assertEquals(0, run.exitCode(), run.err());
    assertEquals("", run.err());
    assertEquals(expected("ban_vs_power_levels"), JsonMapper.shared().readTree(run.out()));
  }

  @Test
  void run_whenStateMaps_resolvesThemWithTheCreateEventsVersion() throws IOException {
    ToolRun run =
        ToolRun.of(
            ResolveStateTool::run,
            "",
            "--events",
            fixture("fixtures/MSC4297-problem-B/pdus-v12.json"),
            "--state",
            fixture("fixtures/MSC4297-problem-B/state-eve.json"),
            "--state",
            fixture("fixtures/MSC4297-problem-B/state-zara.json"));

    assertEquals(0, run.exitCode(), run.err());
    // Room version 12, so state res v2.1: the conflicted state subgraph keeps the latest power levels.
    assertEquals(expected("msc4297_problem_b_state_res_v2_1"), JsonMapper.shared().readTree(run.out()));
  }

  @Test
  void run_whenHelp_printsUsage() {
    ToolRun run = ToolRun.of(ResolveStateTool::run, "", "--help");

    assertEquals(0, run.exitCode());
    assertTrue(run.out().startsWith("usage: resolve-state"), run.out());
  }

  @Test
  void run_whenFileMissing_printsOneLineErrorAndExits2() {
    assertFails("cannot read", "--events", dir.resolve("absent.json").toString());
  }

  @Test
  void run_whenNotJson_exits2() throws IOException {
    assertFails("not JSON", "--events", write("bad.json", "[{\"type\": "));
  }

  @Test
  void run_whenNotAnArray_exits2() throws IOException {
    assertFails("expected a JSON array", "--events", write("object.json", "{}"));
  }

  @Test
  void run_whenNoCreateEvent_exits2() throws IOException {
    assertFails("no m.room.create event", "--events", fixture("fixtures/ban-vs-power-levels-bob.json"));
  }

  @Test
  void run_whenStateNamesUnknownEvent_exits2() throws IOException {
    assertFails(
        "$nope",
        "--events",
        fixture("fixtures/bootstrap-public-chat.json"),
        "--state",
        write("state.json", "[\"$nope\"]"));
  }

  @Test
  void run_whenNoEventsOrUnknownFlag_exits2() {
    assertFails("no --events file");
    assertFails("unknown argument --bogus", "--bogus");
    assertFails("--events needs a file", "--events");
  }

  private void assertFails(String messagePart, String... args) {
    ToolRun run = ToolRun.of(ResolveStateTool::run, "", args);

    assertEquals(2, run.exitCode(), run.err());
    assertEquals("", run.out());
    assertTrue(run.err().startsWith("resolve-state: "), run.err());
    assertTrue(run.err().contains(messagePart), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
  }

  // Copies a classpath fixture to a file, since the tool reads files.
  private String fixture(String name) throws IOException {
    try (InputStream in = resource(name)) {
      Path file = dir.resolve(name.replace('/', '_'));
      Files.write(file, in.readAllBytes());
      return file.toString();
    }
  }

  private String write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file.toString();
  }

  private static JsonNode expected(String name) {
    try (InputStream in = resource("expected/" + name + ".json")) {
      return JsonMapper.shared().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream resource(String name) {
    InputStream in = ResolveStateToolTest.class.getResourceAsStream("/state-res/" + name);
    if (in == null) {
      throw new IllegalArgumentException("no test resource /state-res/" + name);
    }
    return in;
  }
}
