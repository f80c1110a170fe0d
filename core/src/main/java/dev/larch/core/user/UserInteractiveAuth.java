package dev.larch.core.user;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.ErrorBody;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * User-interactive authentication (UIA): in-memory sessions that collect completed stages until one of the offered
 * flows is complete.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#user-interactive-authentication-api">client-server
 * API v1.11, "User-interactive authentication API"</a>. One round, as {@link #authenticate} runs it:
 *
 * <ol>
 *   <li>No {@code auth}: a new session, answered with 401 and the flows.
 *   <li>{@code auth} with a {@code session}: the session must exist, be unexpired, and belong to the same operation
 *       and user; for operations that bind the body, the body without {@code auth} must hash the same as when the
 *       session began, so a completed stage cannot authorise a different request. Without a {@code session} (clients
 *       that skip the first round, such as matrix-nio's dummy registration) a new session is begun.
 *   <li>{@code auth.type}: the stage is checked; a failed check is a 401 with the flows plus {@code errcode} and
 *       {@code error}; a passed one joins {@code completed}.
 *   <li>When every stage of some flow is completed, the caller goes ahead; otherwise 401 with what is left.
 * </ol>
 *
 * <p>Registration does not bind the body: clients such as Element ask for the flows before the user has typed a
 * name, and each round re-checks the username anyway. Sessions live {@link #SESSION_TTL} and are dropped by
 * {@link #finish} once their operation has succeeded.
 */
public final class UserInteractiveAuth {
  /** How long a session stays usable after it begins. */
  public static final Duration SESSION_TTL = Duration.ofMinutes(15);
  /** At most this many live sessions; more is a client (or attacker) opening sessions without finishing them. */
  static final int MAX_SESSIONS = 10_000;

  /** Checks one stage attempt, throwing a {@link MatrixException} (e.g. {@code M_FORBIDDEN}) when it fails. */
  @FunctionalInterface
  public interface StageCheck {
    void check(String type, ObjectNode auth);
  }

  /**
   * What is being authorised.
   *
   * @param name the operation, e.g. {@code register}, {@code password}; a session serves one operation
   * @param userId the user it is for, or null before there is one (registration)
   * @param bindBody whether the session is bound to the request body's hash
   */
  public record Operation(String name, String userId, boolean bindBody) {}

  private final Clock clock;
  private final SecureRandom random;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  public UserInteractiveAuth(Clock clock, SecureRandom random) {
    this.clock = clock;
    this.random = random;
  }

  /**
   * Runs one round of {@code submission} against {@code flows} (each a list of stage types).
   *
   * @return the session ID, once every stage of one flow is complete
   * @throws UserInteractiveAuthRequired (401) while stages remain or after a failed attempt
   * @throws MatrixException for an unknown session (400) or one begun for another request (403)
   */
  public String authenticate(
      Operation operation, UiaSubmission submission, List<List<String>> flows, Map<String, Object> params,
      StageCheck check) {
    Session session;
    String sessionId = submission.session();
    if (submission.auth() == null || sessionId == null) {
      session = begin(operation, submission);
      if (submission.auth() == null) {
        throw challenge(session, flows, params, null);
      }
    } else {
      session = sessions.get(sessionId);
      if (session == null || session.expiresAtMs <= clock.millis()) {
        sessions.remove(sessionId);
        throw new MatrixException(ErrorCode.UNKNOWN, "Unknown or expired session ID");
      }
      if (!session.operation.equals(operation.name()) || !Objects.equals(session.userId, operation.userId())
          || (operation.bindBody() && !session.bodyHash.equals(submission.bodyHash()))) {
        throw MatrixException.forbidden("Requested operation has changed during the UI authentication session");
      }
    }
    String type = submission.type();
    if (type != null && !session.completed(type)) {
      if (flows.stream().noneMatch(flow -> flow.contains(type))) {
        throw challenge(session, flows, params,
            new MatrixException(ErrorCode.UNRECOGNIZED, "Unknown authentication type " + type));
      }
      try {
        check.check(type, submission.auth());
      } catch (MatrixException e) {
        throw challenge(session, flows, params, e);
      }
      session.complete(type);
    }
    if (flows.stream().anyMatch(session::completedAll)) {
      return session.id;
    }
    throw challenge(session, flows, params, null);
  }

  /** Forgets a session whose operation has succeeded, so it cannot be replayed. */
  public void finish(String sessionId) {
    if (sessionId != null) {
      sessions.remove(sessionId);
    }
  }

  /** How many sessions are live (for tests). */
  int liveSessions() {
    return sessions.size();
  }

  private Session begin(Operation operation, UiaSubmission submission) {
    long now = clock.millis();
    if (sessions.size() >= MAX_SESSIONS) {
      sessions.values().removeIf(s -> s.expiresAtMs <= now);
      if (sessions.size() >= MAX_SESSIONS) {
        throw MatrixException.limitExceeded(60_000);
      }
    }
    byte[] bytes = new byte[18];
    random.nextBytes(bytes);
    String id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Session session =
        new Session(id, operation.name(), operation.userId(), submission.bodyHash(), now + SESSION_TTL.toMillis());
    sessions.put(id, session);
    return session;
  }

  private static UserInteractiveAuthRequired challenge(
      Session session, List<List<String>> flows, Map<String, Object> params, MatrixException failure) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (failure != null) {
      body.putAll(ErrorBody.of(failure));
    }
    List<Map<String, Object>> flowList = new ArrayList<>();
    for (List<String> flow : flows) {
      flowList.add(Map.of("stages", List.copyOf(flow)));
    }
    body.put("flows", flowList);
    body.put("params", params);
    body.put("session", session.id);
    List<String> completed = session.completedList();
    if (!completed.isEmpty()) {
      body.put("completed", completed);
    }
    return new UserInteractiveAuthRequired(body);
  }

  private static final class Session {
    final String id;
    final String operation;
    final String userId;
    final String bodyHash;
    final long expiresAtMs;
    private final Set<String> completed = new LinkedHashSet<>();

    Session(String id, String operation, String userId, String bodyHash, long expiresAtMs) {
      this.id = id;
      this.operation = operation;
      this.userId = userId;
      this.bodyHash = bodyHash;
      this.expiresAtMs = expiresAtMs;
    }

    synchronized boolean completed(String type) {
      return completed.contains(type);
    }

    synchronized void complete(String type) {
      completed.add(type);
    }

    synchronized boolean completedAll(List<String> flow) {
      return completed.containsAll(flow);
    }

    synchronized List<String> completedList() {
      return List.copyOf(completed);
    }
  }
}
