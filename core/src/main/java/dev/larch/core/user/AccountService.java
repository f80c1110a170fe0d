package dev.larch.core.user;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.id.UserId;
import dev.larch.core.ratelimit.RateLimiter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts, logins and devices: registration (with user-interactive auth per the registration policy), password
 * login, logout, password change, deactivation, and device management. Also resolves access tokens.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#client-authentication">client-server API v1.11,
 * "Client authentication"</a>, "Account registration and management", "Device management". Synchronous and
 * blocking (hashing and the store): call it on a worker thread. Passwords are hashed with {@link PasswordHasher};
 * access tokens are 32 random bytes, stored by the store as a hash only.
 */
public final class AccountService implements AccessTokenAuthenticator {
  private static final Logger log = LoggerFactory.getLogger(AccountService.class);
  static final String DUMMY = "m.login.dummy";
  static final String PASSWORD = "m.login.password";
  static final String REGISTRATION_TOKEN = "m.login.registration_token";
  private static final int MAX_ID_LENGTH = 255;
  private static final int MAX_DISPLAY_NAME_LENGTH = 512;

  private final AccountStore store;
  private final AccountSettings settings;
  private final PasswordHasher hasher;
  private final Clock clock;
  private final SecureRandom random;
  private final List<AccountLifecycleListener> listeners;
  private final UserInteractiveAuth uia;
  private final RateLimiter loginLimiter;
  private final RateLimiter registrationLimiter;

  public AccountService(
      AccountStore store, AccountSettings settings, PasswordHasher hasher, Clock clock, SecureRandom random,
      List<AccountLifecycleListener> listeners) {
    this.store = store;
    this.settings = settings;
    this.hasher = hasher;
    this.clock = clock;
    this.random = random;
    this.listeners = List.copyOf(listeners);
    this.uia = new UserInteractiveAuth(clock, random);
    this.loginLimiter = new RateLimiter(settings.loginLimit(), clock);
    this.registrationLimiter = new RateLimiter(settings.registrationLimit(), clock);
  }

  /** The server name in this server's user IDs. */
  public String serverName() {
    return settings.serverName();
  }

  /** The registration policy in force. */
  public RegistrationPolicy registrationPolicy() {
    return settings.registration();
  }

  // ---- registration ----------------------------------------------------------------------------------------------

  /**
   * Registers an account ({@code POST /register}). In order: policy (403 when closed or for guests), username
   * checks ({@code M_INVALID_USERNAME}, {@code M_USER_IN_USE}, before any UIA as the spec requires), the rate limit
   * (rounds carrying {@code auth}), UIA ({@code m.login.dummy}, or {@code m.login.registration_token}), then the
   * account and, unless {@code inhibit_login}, a device and access token.
   */
  public LoginSession register(Registration registration, UiaSubmission submission, boolean guest,
      String remoteAddress) {
    if (settings.registration() == RegistrationPolicy.CLOSED) {
      throw MatrixException.forbidden("Registration is disabled");
    }
    if (guest) {
      throw new MatrixException(ErrorCode.GUEST_ACCESS_FORBIDDEN, "Guest registration is disabled");
    }
    String userId = registration.username() == null ? null : availableUserId(registration.username());
    checkDevice(registration.deviceId(), registration.initialDeviceDisplayName());
    if (submission.auth() != null) {
      registrationLimiter.acquire(remoteAddress);
    }
    List<List<String>> flows = settings.registration() == RegistrationPolicy.TOKEN
        ? List.of(List.of(REGISTRATION_TOKEN)) : List.of(List.of(DUMMY));
    String session = uia.authenticate(new UserInteractiveAuth.Operation("register", null, false), submission, flows,
        Map.of(), this::checkRegistrationStage);

    String passwordHash = registration.password() == null ? null : hasher.hash(registration.password());
    long now = clock.millis();
    if (userId == null) {
      userId = createWithGeneratedId(passwordHash, now);
    } else if (!store.createUser(new NewUser(userId, passwordHash, false, now))) {
      throw new MatrixException(ErrorCode.USER_IN_USE, "User ID already taken");
    }
    uia.finish(session);
    log.info("registered user={}", userId);
    if (registration.inhibitLogin()) {
      return new LoginSession(userId, null, null);
    }
    return startSession(userId, registration.deviceId(), registration.initialDeviceDisplayName(), now);
  }

  /**
   * The user ID {@code username} would get, if it is valid and free ({@code GET /register/available}).
   *
   * @throws MatrixException {@code M_INVALID_USERNAME} or {@code M_USER_IN_USE}
   */
  public String availableUserId(String username) {
    String userId = userIdFor(username);
    if (store.user(userId).isPresent()) {
      throw new MatrixException(ErrorCode.USER_IN_USE, "User ID already taken");
    }
    return userId;
  }

  /** Whether {@code token} is a registration token this server accepts now. */
  public boolean registrationTokenValid(String token) {
    return settings.registration() == RegistrationPolicy.TOKEN && settings.registrationTokens().contains(token);
  }

  private void checkRegistrationStage(String type, ObjectNode auth) {
    if (type.equals(REGISTRATION_TOKEN)) {
      JsonNode token = auth.get("token");
      if (token == null || !token.isTextual() || !registrationTokenValid(token.asText())) {
        throw new MatrixException(ErrorCode.UNAUTHORIZED, "Invalid registration token");
      }
    }
    // m.login.dummy always passes.
  }

  private String userIdFor(String username) {
    String localpart = username.startsWith("@") ? username.substring(1) : username;
    if (!UserId.isValidNewLocalpart(localpart)) {
      throw new MatrixException(ErrorCode.INVALID_USERNAME,
          "User ID localparts may only contain a-z, 0-9, and . _ = - / +");
    }
    String userId = "@" + localpart + ":" + settings.serverName();
    if (userId.getBytes(StandardCharsets.UTF_8).length > MAX_ID_LENGTH) {
      throw new MatrixException(ErrorCode.INVALID_USERNAME, "User ID is longer than 255 bytes");
    }
    return userId;
  }

  private String createWithGeneratedId(String passwordHash, long now) {
    for (int attempt = 0; attempt < 10; attempt++) {
      String userId = "@" + randomString("abcdefghijklmnopqrstuvwxyz0123456789", 12) + ":" + settings.serverName();
      if (store.createUser(new NewUser(userId, passwordHash, false, now))) {
        return userId;
      }
    }
    throw new IllegalStateException("no free generated user ID after 10 attempts");
  }

  // ---- login and logout ------------------------------------------------------------------------------------------

  /**
   * Logs in with a password ({@code POST /login}); rate-limited per remote address and per user. Unknown users and
   * wrong passwords both get {@code M_FORBIDDEN} after the same amount of hashing.
   */
  public LoginSession login(PasswordLogin login, String remoteAddress) {
    loginLimiter.acquire(remoteAddress);
    checkDevice(login.deviceId(), login.initialDeviceDisplayName());
    Optional<String> userId = localUserId(login.user());
    userId.ifPresent(id -> loginLimiter.acquire(id));
    Optional<UserAccount> account = userId.flatMap(store::user);
    String hash = account.filter(a -> !a.deactivated()).map(UserAccount::passwordHash).orElse(null);
    if (!hasher.verify(login.password(), hash)) {
      throw MatrixException.forbidden("Invalid username or password");
    }
    return startSession(account.get().userId(), login.deviceId(), login.initialDeviceDisplayName(), clock.millis());
  }

  /** Ends the requester's session: its access token, and its device ({@code POST /logout}). */
  public void logout(Requester requester) {
    store.revokeAccessToken(requester.accessToken());
    if (requester.deviceId() != null) {
      store.deleteDevices(requester.userId(), List.of(requester.deviceId()));
      notifyDevicesDeleted(requester.userId(), List.of(requester.deviceId()));
    }
  }

  /** Ends every session of the requester's user: all tokens and devices ({@code POST /logout/all}). */
  public void logoutAll(Requester requester) {
    List<String> deviceIds = store.devices(requester.userId()).stream().map(Device::deviceId).toList();
    store.deleteDevices(requester.userId(), deviceIds);
    store.revokeAllAccessTokens(requester.userId());
    notifyDevicesDeleted(requester.userId(), deviceIds);
  }

  /** Who the requester is ({@code GET /account/whoami}). */
  public WhoAmI whoami(Requester requester) {
    boolean guest = store.user(requester.userId()).map(UserAccount::guest).orElse(false);
    return new WhoAmI(requester.userId(), requester.deviceId(), guest);
  }

  @Override
  public Requester authenticate(String accessToken) {
    Optional<TokenOwner> owner = accessToken == null ? Optional.empty() : store.accessTokenOwner(accessToken);
    if (owner.isEmpty() || owner.get().expiredAt(clock.millis())) {
      throw MatrixException.unknownToken("Unknown access token", false);
    }
    return new Requester(owner.get().userId(), owner.get().deviceId(), accessToken);
  }

  private LoginSession startSession(String userId, String deviceId, String displayName, long now) {
    String device = deviceId != null ? deviceId : randomString("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 10);
    store.upsertDevice(userId, device, displayName, now);
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    store.createAccessToken(token, userId, device, now, 0);
    return new LoginSession(userId, token, device);
  }

  // ---- account management ----------------------------------------------------------------------------------------

  /**
   * Changes the requester's password after UIA with the current one ({@code POST /account/password}). With
   * {@code logoutDevices} (the spec's default) every other device and its tokens are deleted; the requester's stays.
   */
  public void changePassword(Requester requester, String newPassword, boolean logoutDevices,
      UiaSubmission submission) {
    if (newPassword == null || newPassword.isEmpty()) {
      throw new MatrixException(ErrorCode.WEAK_PASSWORD, "new_password must not be empty");
    }
    String session = requirePassword(requester, "password", submission);
    store.setPasswordHash(requester.userId(), hasher.hash(newPassword));
    uia.finish(session);
    if (logoutDevices) {
      List<String> others = store.devices(requester.userId()).stream().map(Device::deviceId)
          .filter(id -> !id.equals(requester.deviceId())).toList();
      store.deleteDevices(requester.userId(), others);
      notifyDevicesDeleted(requester.userId(), others);
    }
    log.info("password changed user={} logout_devices={}", requester.userId(), logoutDevices);
  }

  /** Deactivates the requester's account after UIA ({@code POST /account/deactivate}); the ID stays taken. */
  public void deactivate(Requester requester, UiaSubmission submission) {
    String session = requirePassword(requester, "deactivate", submission);
    store.deactivate(requester.userId(), clock.millis());
    uia.finish(session);
    log.info("deactivated user={}", requester.userId());
    for (AccountLifecycleListener listener : listeners) {
      try {
        listener.accountDeactivated(requester.userId());
      } catch (RuntimeException e) {
        log.error("account listener failed user={}", requester.userId(), e);
      }
    }
  }

  // ---- devices ---------------------------------------------------------------------------------------------------

  /** The requester's devices ({@code GET /devices}). */
  public List<Device> devices(Requester requester) {
    return store.devices(requester.userId());
  }

  /** One of the requester's devices; {@code M_NOT_FOUND} if there is none with that ID. */
  public Device device(Requester requester, String deviceId) {
    return store.device(requester.userId(), deviceId)
        .orElseThrow(() -> MatrixException.notFound("No device with that ID"));
  }

  /** Renames one of the requester's devices ({@code PUT /devices/{deviceId}}); {@code M_NOT_FOUND} if absent. */
  public void renameDevice(Requester requester, String deviceId, String displayName) {
    checkDevice(deviceId, displayName);
    if (!store.renameDevice(requester.userId(), deviceId, displayName)) {
      throw MatrixException.notFound("No device with that ID");
    }
  }

  /**
   * Deletes devices of the requester and their tokens after UIA ({@code DELETE /devices/{id}},
   * {@code POST /delete_devices}); IDs that are not the user's devices are ignored.
   *
   * @param operation distinguishes the two endpoints' sessions (the single delete's ID is in its path, not body)
   */
  public void deleteDevices(Requester requester, Collection<String> deviceIds, String operation,
      UiaSubmission submission) {
    String session = requirePassword(requester, operation, submission);
    store.deleteDevices(requester.userId(), deviceIds);
    uia.finish(session);
    notifyDevicesDeleted(requester.userId(), List.copyOf(deviceIds));
  }

  /** UIA with the single flow {@code m.login.password}, for the requester's own account. */
  private String requirePassword(Requester requester, String operation, UiaSubmission submission) {
    if (PASSWORD.equals(submission.type())) {
      // Password guesses through UIA count against the same per-user bucket as logins.
      loginLimiter.acquire(requester.userId());
    }
    return uia.authenticate(new UserInteractiveAuth.Operation(operation, requester.userId(), true), submission,
        List.of(List.of(PASSWORD)), Map.of(), (type, auth) -> checkPasswordStage(requester.userId(), auth));
  }

  private void checkPasswordStage(String userId, ObjectNode auth) {
    String user = PasswordAuth.user(auth).orElse(userId);
    String password = PasswordAuth.password(auth);
    boolean sameUser = localUserId(user).map(userId::equals).orElse(false);
    String hash = sameUser ? store.user(userId).map(UserAccount::passwordHash).orElse(null) : null;
    if (!hasher.verify(password, hash)) {
      throw MatrixException.forbidden("Invalid password");
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  /** A local user ID for a localpart or full ID (localpart case ignored), or empty if it cannot be one of ours. */
  private Optional<String> localUserId(String user) {
    if (user == null || user.isEmpty()) {
      return Optional.empty();
    }
    if (user.startsWith("@")) {
      Optional<UserId> parsed = UserId.tryParse(user);
      if (parsed.isEmpty() || !parsed.get().serverName().value().equals(settings.serverName())) {
        return Optional.empty();
      }
      user = parsed.get().localpart();
    }
    return Optional.of("@" + user.toLowerCase(Locale.ROOT) + ":" + settings.serverName());
  }

  private static void checkDevice(String deviceId, String displayName) {
    if (deviceId != null && (deviceId.isEmpty() || deviceId.length() > MAX_ID_LENGTH)) {
      throw MatrixException.invalidParam("device_id must be 1 to 255 characters");
    }
    if (displayName != null && displayName.length() > MAX_DISPLAY_NAME_LENGTH) {
      throw MatrixException.invalidParam("device display name is too long");
    }
  }

  private void notifyDevicesDeleted(String userId, List<String> deviceIds) {
    if (deviceIds.isEmpty()) {
      return;
    }
    for (AccountLifecycleListener listener : listeners) {
      try {
        listener.devicesDeleted(userId, deviceIds);
      } catch (RuntimeException e) {
        log.error("account listener failed user={}", userId, e);
      }
    }
  }

  private String randomString(String alphabet, int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return out.toString();
  }
}
