package dev.larch.server;

import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code larch tool NAME [args]}: runs one of the command-line tools in {@code dev.larch.server.tool}.
 *
 * <p>Each tool is a class with {@code public static int run(List<String> args, InputStream in, PrintStream out,
 * PrintStream err)} returning its exit code. They are looked up by name through this table rather than referenced
 * directly, so the launcher compiles and runs while a tool is still being written, and adding a tool is one line.
 */
final class ToolCommand {
  private static final Map<String, String> TOOLS =
      new TreeMap<>(
          Map.of(
              "canonical-json", "dev.larch.server.tool.CanonicalJsonTool",
              "verify-event", "dev.larch.server.tool.VerifyEventTool",
              "resolve-state", "dev.larch.server.tool.ResolveStateTool"));

  private ToolCommand() {}

  /** Runs the tool named by {@code args.get(0)} with the remaining arguments and returns its exit code. */
  static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
    if (args.isEmpty()) {
      err.println("larch: tool needs a name; available tools: " + String.join(", ", TOOLS.keySet()));
      return RunCommand.EXIT_USAGE;
    }
    String name = args.get(0);
    String className = TOOLS.get(name);
    if (className == null) {
      err.println("larch: unknown tool \"" + name + "\"; available tools: " + String.join(", ", TOOLS.keySet()));
      return RunCommand.EXIT_USAGE;
    }
    Method run;
    try {
      run = Class.forName(className)
          .getMethod("run", List.class, InputStream.class, PrintStream.class, PrintStream.class);
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      err.println("larch: tool \"" + name + "\" is not part of this build");
      return RunCommand.EXIT_USAGE;
    }
    try {
      return (Integer) run.invoke(null, List.copyOf(args.subList(1, args.size())), in, out, err);
    } catch (InvocationTargetException e) {
      // A tool that throws has a bug: let the stack trace show, as it would without the reflection.
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("tool " + name + " failed", e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("tool " + name + " has no public run method", e);
    }
  }
}
