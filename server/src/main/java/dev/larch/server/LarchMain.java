package dev.larch.server;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The command line: {@code larch run [flags]} starts a node, {@code larch tool NAME [args]} runs a tool.
 *
 * <p>{@link #execute} does the work and returns the exit code, so tests call it in-process with their own streams;
 * only {@link #main} calls {@code System.exit}.
 */
public final class LarchMain {
  /** The software version, reported to clients and peers. */
  public static final String VERSION = "0.1.0";

  static final String USAGE =
      """
      Usage: ./larch run [flags]          start a node (./larch run --help for the flags)
             ./larch tool NAME [args]     run a tool: canonical-json, verify-event, resolve-state
             ./larch test                 run every test (launcher script only)
      """;

  private LarchMain() {}

  /** Runs the command in {@code args} and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(execute(args, System.in, System.out, System.err));
  }

  /** Runs the command in {@code args} with the given streams and returns the process exit code. */
  public static int execute(String[] args, InputStream in, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.print(USAGE);
      return RunCommand.EXIT_USAGE;
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    switch (args[0]) {
      case "run":
        return RunCommand.run(rest, out, err);
      case "tool":
        return ToolCommand.run(rest, in, out, err);
      case "help":
      case "--help":
      case "-h":
        out.print(USAGE);
        return 0;
      case "version":
      case "--version":
        out.println("Larch " + VERSION);
        return 0;
      default:
        err.println("larch: unknown command \"" + args[0] + "\"");
        err.print(USAGE);
        return RunCommand.EXIT_USAGE;
    }
  }

  /** Prints problems as the launcher does: one line each, prefixed so they stand out from log lines. */
  static void printProblems(PrintStream err, List<String> problems) {
    if (problems.size() == 1) {
      err.println("larch: " + problems.get(0));
      return;
    }
    err.println("larch: " + problems.size() + " problems with the configuration:");
    for (String problem : problems) {
      err.println("larch:   " + problem);
    }
  }
}
