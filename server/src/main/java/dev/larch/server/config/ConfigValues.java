package dev.larch.server.config;

import java.util.List;
import java.util.Optional;

/**
 * Checks of single text values shared by the config sections: every value stays text until validated, so a bad one
 * is reported with its key rather than as a binding error.
 */
final class ConfigValues {
  private ConfigValues() {}

  /** A problem if {@code value} is not an integer in {@code [min, max]}. */
  static Optional<ConfigProblem> intProblem(String key, String value, long min, long max) {
    try {
      long parsed = Long.parseLong(value == null ? "" : value.strip());
      if (parsed >= min && parsed <= max) {
        return Optional.empty();
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    return Optional.of(new ConfigProblem(key,
        "must be a whole number from " + min + " to " + max + ", but is \"" + (value == null ? "" : value) + "\""));
  }

  /** A problem if {@code value} is not a number greater than 0 and at most {@code max}. */
  static Optional<ConfigProblem> positiveProblem(String key, String value, double max) {
    try {
      double parsed = Double.parseDouble(value == null ? "" : value.strip());
      if (parsed > 0 && parsed <= max) {
        return Optional.empty();
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    return Optional.of(new ConfigProblem(key,
        "must be a number above 0 and at most " + max + ", but is \"" + (value == null ? "" : value) + "\""));
  }

  static void add(List<ConfigProblem> problems, Optional<ConfigProblem> problem) {
    problem.ifPresent(problems::add);
  }
}
