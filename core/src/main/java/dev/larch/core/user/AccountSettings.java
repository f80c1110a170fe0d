package dev.larch.core.user;

import dev.larch.core.ratelimit.RateLimit;
import java.util.Objects;
import java.util.Set;

/**
 * How {@link AccountService} behaves on this server: its name, who may register, and the login and registration
 * rate limits (each applied per remote address, and for login also per user).
 *
 * <p>Spec: client-server API v1.11, "Account registration", "Login", "Rate limiting".
 *
 * @param serverName the server name in user IDs
 * @param registration the registration policy
 * @param registrationTokens the tokens accepted under {@link RegistrationPolicy#TOKEN}
 * @param loginLimit the token bucket for {@code POST /login}
 * @param registrationLimit the token bucket for {@code POST /register} rounds that carry {@code auth}
 */
public record AccountSettings(
    String serverName,
    RegistrationPolicy registration,
    Set<String> registrationTokens,
    RateLimit loginLimit,
    RateLimit registrationLimit) {
  /** The built-in rate limits: a burst of 100 (scripts and benchmarks register dozens of users), then 2 a second. */
  public static final RateLimit DEFAULT_LIMIT = new RateLimit(2, 100);

  public AccountSettings {
    Objects.requireNonNull(serverName, "serverName");
    Objects.requireNonNull(registration, "registration");
    registrationTokens = Set.copyOf(registrationTokens);
    Objects.requireNonNull(loginLimit, "loginLimit");
    Objects.requireNonNull(registrationLimit, "registrationLimit");
  }

  /** Open registration and the default limits. */
  public static AccountSettings defaults(String serverName) {
    return new AccountSettings(serverName, RegistrationPolicy.OPEN, Set.of(), DEFAULT_LIMIT, DEFAULT_LIMIT);
  }
}
