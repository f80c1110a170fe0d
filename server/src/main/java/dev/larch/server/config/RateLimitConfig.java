package dev.larch.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.larch.core.ratelimit.RateLimit;
import java.util.ArrayList;
import java.util.List;

/**
 * One token bucket: {@code burst} requests at once, refilled at {@code per_second}. Used by the sections of
 * {@code rate_limits}.
 *
 * @param perSecond requests per second once the burst is spent (may be fractional, e.g. 0.5)
 * @param burst requests allowed at once after a quiet period
 */
public record RateLimitConfig(@JsonProperty("per_second") String perSecond, @JsonProperty("burst") String burst) {

  /** The value; validated config only. */
  public RateLimit value() {
    return new RateLimit(Double.parseDouble(perSecond.strip()), Integer.parseInt(burst.strip()));
  }

  List<ConfigProblem> validate(String section) {
    List<ConfigProblem> problems = new ArrayList<>();
    ConfigValues.add(problems, ConfigValues.positiveProblem(section + ".per_second", perSecond, 1_000_000));
    ConfigValues.add(problems, ConfigValues.intProblem(section + ".burst", burst, 1, 1_000_000));
    return problems;
  }
}
