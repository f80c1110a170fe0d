package dev.larch.server.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalJsonToolTest {
  @Test
  void run_whenValidObject_printsCanonicalFormAndNewline() {
    ToolRun run = ToolRun.of(CanonicalJsonTool::run, "{\n \"b\": \"2\",\n \"a\": \"日\", \"n\": 1e10 }");

    assertEquals(0, run.exitCode());
    assertEquals("{\"a\":\"日\",\"b\":\"2\",\"n\":10000000000}\n", run.out());
    assertEquals("", run.err());
  }

  @Test
  void run_whenScalar_printsIt() {
    ToolRun run = ToolRun.of(CanonicalJsonTool::run, " \"x\\u0001\" ");

    assertEquals(0, run.exitCode());
    assertEquals("\"x\\u0001\"\n", run.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{", "", "{\"a\":1,\"a\":2}", "{\"a\":1.5}", "[9007199254740992]"})
  void run_whenBadInput_printsOneLineErrorAndExits2(String input) {
    ToolRun run = ToolRun.of(CanonicalJsonTool::run, input);

    assertEquals(2, run.exitCode());
    assertEquals("", run.out());
    assertTrue(run.err().startsWith("canonical-json: "), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
  }

  @Test
  void run_whenLenient_writesLegacyNumbers() {
    ToolRun run = ToolRun.of(CanonicalJsonTool::run, "[9007199254740992, 1.5]", "--lenient");

    assertEquals(0, run.exitCode());
    assertEquals("[9007199254740992,1.5]\n", run.out());
  }

  @Test
  void run_whenUnknownArgument_exits2() {
    ToolRun run = ToolRun.of(CanonicalJsonTool::run, "{}", "--bogus");

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("--bogus"));
  }
}
