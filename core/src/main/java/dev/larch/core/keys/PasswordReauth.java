package dev.larch.core.keys;

import dev.larch.core.error.MatrixException;
import dev.larch.core.id.UserId;
import dev.larch.core.ratelimit.RateLimit;
import dev.larch.core.ratelimit.RateLimiter;
import dev.larch.core.user.AccountStore;
import dev.larch.core.user.PasswordAuth;
import dev.larch.core.user.PasswordHasher;
import dev.larch.core.user.Requester;
import dev.larch.core.user.UiaSubmission;
import dev.larch.core.user.UserAccount;
import dev.larch.core.user.UserInteractiveAuth;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * User-interactive authentication with the single flow {@code m.login.password} for the requester's own account,
 * as {@code AccountService} runs it for password changes and device deletion, for the key endpoints that need it.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#user-interactive-authentication-api">
 * client-server API v1.11, "User-interactive authentication API"</a>. Password attempts are rate-limited per user.
 */
public final class PasswordReauth {
  private static final String PASSWORD = "m.login.password";

  private final UserInteractiveAuth uia;
  private final AccountStore accounts;
  private final PasswordHasher hasher;
  private final RateLimiter limiter;

  public PasswordReauth(AccountStore accounts, PasswordHasher hasher, RateLimit limit, Clock clock,
      SecureRandom random) {
    this.uia = new UserInteractiveAuth(clock, random);
    this.accounts = accounts;
    this.hasher = hasher;
    this.limiter = new RateLimiter(limit, clock);
  }

  /**
   * Runs one UIA round for {@code operation}, bound to the request body.
   *
   * @return the session, to {@link #finish} once the operation succeeded
   * @throws dev.larch.core.user.UserInteractiveAuthRequired (401) until the password is given
   */
  public String require(Requester requester, String operation, UiaSubmission submission) {
    if (PASSWORD.equals(submission.type())) {
      limiter.acquire(requester.userId());
    }
    return uia.authenticate(new UserInteractiveAuth.Operation(operation, requester.userId(), true), submission,
        List.of(List.of(PASSWORD)), Map.of(), (type, auth) -> {
          String user = PasswordAuth.user(auth).orElse(requester.userId());
          String password = PasswordAuth.password(auth);
          String hash = sameUser(user, requester.userId())
              ? accounts.user(requester.userId()).map(UserAccount::passwordHash).orElse(null) : null;
          if (!hasher.verify(password, hash)) {
            throw MatrixException.forbidden("Invalid password");
          }
        });
  }

  /** Forgets a session whose operation succeeded. */
  public void finish(String session) {
    uia.finish(session);
  }

  private static boolean sameUser(String given, String userId) {
    UserId own = UserId.parse(userId);
    if (given.startsWith("@")) {
      return UserId.tryParse(given)
          .map(u -> u.serverName().equals(own.serverName())
              && u.localpart().toLowerCase(Locale.ROOT).equals(own.localpart()))
          .orElse(false);
    }
    return given.toLowerCase(Locale.ROOT).equals(own.localpart());
  }
}
