package dev.larch.server.tool;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.json.CanonicalJson;
import dev.larch.core.json.CanonicalJsonException;
import dev.larch.core.json.ReceivedJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

/**
 * The {@code canonical-json} tool: reads one JSON value from stdin and prints its canonical encoding and a newline.
 *
 * <p>Spec: appendices, "Canonical JSON". Strict by default; {@code --lenient} uses the room version 1–5 rules
 * (integers of any size, floats as the Python reference encoder wrote them). Exit status: 0 on success, 2 on a usage
 * error or input that is not JSON or has no canonical encoding, with a one-line message on stderr.
 */
public final class CanonicalJsonTool {
  static final String USAGE = "usage: canonical-json [--lenient] < value.json";

  private CanonicalJsonTool() {}

  public static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
    CanonicalJson encoding = CanonicalJson.STRICT;
    for (String arg : args) {
      switch (arg) {
        case "--lenient" -> encoding = CanonicalJson.LENIENT;
        case "-h", "--help" -> {
          out.println(USAGE);
          return 0;
        }
        default -> {
          return fail(err, "unknown argument " + arg + " (" + USAGE + ")");
        }
      }
    }
    try {
      JsonNode value = ReceivedJson.parseValue(in.readAllBytes());
      out.writeBytes(encoding.encode(value));
      out.write('\n');
      out.flush();
      return 0;
    } catch (MatrixException | CanonicalJsonException e) {
      return fail(err, e.getMessage());
    } catch (IOException e) {
      return fail(err, "cannot read stdin: " + e.getMessage());
    }
  }

  private static int fail(PrintStream err, String message) {
    err.println("canonical-json: " + oneLine(message));
    return 2;
  }

  static String oneLine(String message) {
    return String.valueOf(message).replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
  }
}
