package dev.larch.server.config;

import java.util.List;

/**
 * The configuration or command line cannot be used. Carries every problem found, each already naming the flag or
 * the file and key it came from, so the launcher can print them and exit 2 without a stack trace.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  /** An exception for one or more problems, each a complete sentence for the user. */
  public ConfigException(List<String> problems) {
    super(String.join("\n", problems), null, false, false);
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  /** An exception for a single problem. */
  public ConfigException(String problem) {
    this(List.of(problem));
  }

  /** Every problem found, in the order found. */
  public List<String> problems() {
    return problems;
  }
}
