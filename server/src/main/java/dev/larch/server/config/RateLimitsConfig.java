package dev.larch.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * Rate limits: YAML section {@code rate_limits}. Each applies per remote address; {@code login} also per user.
 *
 * @param login {@code POST /login} (and password checks during user-interactive auth)
 * @param register {@code POST /register} rounds that carry authentication
 */
public record RateLimitsConfig(
    @JsonProperty("login") RateLimitConfig login, @JsonProperty("register") RateLimitConfig register) {

  /** The defaults: bursts of 100 (test suites and benchmarks register dozens of users at once), then 2 a second. */
  public static RateLimitsConfig defaults() {
    return new RateLimitsConfig(new RateLimitConfig("2", "100"), new RateLimitConfig("2", "100"));
  }

  List<ConfigProblem> validate() {
    List<ConfigProblem> problems = new ArrayList<>(login.validate("rate_limits.login"));
    problems.addAll(register.validate("rate_limits.register"));
    return problems;
  }
}
