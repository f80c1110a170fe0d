package dev.larch.server.tool;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The outcome of running a tool on in-memory streams. */
record ToolRun(int exitCode, String out, String err) {
  interface Tool {
    int run(List<String> args, InputStream in, PrintStream out, PrintStream err);
  }

  static ToolRun of(Tool tool, String stdin, String... args) {
    return of(tool, stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  static ToolRun of(Tool tool, byte[] stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        tool.run(
            List.of(args),
            new ByteArrayInputStream(stdin),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new ToolRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
