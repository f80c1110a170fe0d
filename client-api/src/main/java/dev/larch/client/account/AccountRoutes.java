package dev.larch.client.account;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.client.http.AuthedRequest;
import dev.larch.client.http.ClientPaths;
import dev.larch.client.http.ClientRequest;
import dev.larch.client.http.Endpoints;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.user.AccountService;
import dev.larch.core.user.LoginSession;
import dev.larch.core.user.PasswordAuth;
import dev.larch.core.user.PasswordLogin;
import dev.larch.core.user.Registration;
import dev.larch.core.user.UiaSubmission;
import dev.larch.core.user.WhoAmI;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Registration, login, logout and account management.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#client-authentication">client-server API v1.11,
 * "Client authentication"</a> (login, logout) and <a
 * href="https://spec.matrix.org/v1.11/client-server-api/#account-registration-and-management">"Account registration
 * and management"</a>.
 */
public final class AccountRoutes {
  private static final String PASSWORD_LOGIN = "m.login.password";
  private static final Map<String, Object> LOGIN_FLOWS = Map.of("flows", List.of(Map.of("type", PASSWORD_LOGIN)));

  private final AccountService accounts;
  private final String publicBaseUrl;

  /** @param publicBaseUrl the configured client base URL for {@code well_known} in login responses, or null */
  public AccountRoutes(AccountService accounts, String publicBaseUrl) {
    this.accounts = accounts;
    this.publicBaseUrl = publicBaseUrl;
  }

  /** Adds the routes below to {@code router}. */
  public void mount(Router router, Endpoints endpoints) {
    // POST /_matrix/client/v3/register
    ClientPaths.route(router, HttpMethod.POST, "/register", endpoints.open(this::register));
    // GET /_matrix/client/v3/register/available
    ClientPaths.route(router, HttpMethod.GET, "/register/available", endpoints.open(this::available));
    // GET /_matrix/client/v1/register/m.login.registration_token/validity
    router.get("/_matrix/client/v1/register/m.login.registration_token/validity")
        .handler(endpoints.open(this::registrationTokenValidity));
    // GET /_matrix/client/v3/login
    ClientPaths.route(router, HttpMethod.GET, "/login", endpoints.open(req -> LOGIN_FLOWS));
    // POST /_matrix/client/v3/login
    ClientPaths.route(router, HttpMethod.POST, "/login", endpoints.open(this::login));
    // POST /_matrix/client/v3/logout
    ClientPaths.route(router, HttpMethod.POST, "/logout", endpoints.authed(this::logout));
    // POST /_matrix/client/v3/logout/all
    ClientPaths.route(router, HttpMethod.POST, "/logout/all", endpoints.authed(this::logoutAll));
    // GET /_matrix/client/v3/account/whoami
    ClientPaths.route(router, HttpMethod.GET, "/account/whoami", endpoints.authed(this::whoami));
    // POST /_matrix/client/v3/account/password
    ClientPaths.route(router, HttpMethod.POST, "/account/password", endpoints.authed(this::changePassword));
    // POST /_matrix/client/v3/account/deactivate
    ClientPaths.route(router, HttpMethod.POST, "/account/deactivate", endpoints.authed(this::deactivate));
  }

  private Object register(ClientRequest req) {
    String kind = req.query("kind").orElse("user");
    if (!kind.equals("user") && !kind.equals("guest")) {
      throw MatrixException.invalidParam("kind must be user or guest");
    }
    ObjectNode json = req.jsonOrEmpty();
    RegisterRequest body = req.body(RegisterRequest.class, json);
    Registration registration = new Registration(body.username(), body.password(), body.deviceId(),
        body.initialDeviceDisplayName(), Boolean.TRUE.equals(body.inhibitLogin()));
    LoginSession session =
        accounts.register(registration, UiaSubmission.of(json), kind.equals("guest"), req.remoteAddress());
    return response(session);
  }

  private Object available(ClientRequest req) {
    String username = req.query("username")
        .orElseThrow(() -> MatrixException.missingParam("username is required"));
    accounts.availableUserId(username);
    return Map.of("available", true);
  }

  private Object registrationTokenValidity(ClientRequest req) {
    String token = req.query("token").orElseThrow(() -> MatrixException.missingParam("token is required"));
    if (accounts.registrationPolicy() != dev.larch.core.user.RegistrationPolicy.TOKEN) {
      throw MatrixException.forbidden("Registration tokens are not used on this server");
    }
    return Map.of("valid", accounts.registrationTokenValid(token));
  }

  private Object login(ClientRequest req) {
    ObjectNode json = req.json();
    LoginRequest body = req.body(LoginRequest.class, json);
    if (body.type() == null) {
      throw MatrixException.badJson("type is required");
    }
    if (!body.type().equals(PASSWORD_LOGIN)) {
      throw new MatrixException(ErrorCode.UNKNOWN, "Unknown login type " + body.type());
    }
    String user = PasswordAuth.user(json).orElseThrow(() -> MatrixException.badJson("identifier is required"));
    PasswordLogin login =
        new PasswordLogin(user, PasswordAuth.password(json), body.deviceId(), body.initialDeviceDisplayName());
    return response(accounts.login(login, req.remoteAddress()));
  }

  private Object logout(AuthedRequest req) {
    accounts.logout(req.requester());
    return Map.of();
  }

  private Object logoutAll(AuthedRequest req) {
    accounts.logoutAll(req.requester());
    return Map.of();
  }

  private Object whoami(AuthedRequest req) {
    WhoAmI who = accounts.whoami(req.requester());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("user_id", who.userId());
    if (who.deviceId() != null) {
      body.put("device_id", who.deviceId());
    }
    body.put("is_guest", who.guest());
    return body;
  }

  private Object changePassword(AuthedRequest req) {
    ObjectNode json = req.json();
    PasswordChangeRequest body = req.body(PasswordChangeRequest.class, json);
    if (body.newPassword() == null) {
      throw MatrixException.missingParam("new_password is required");
    }
    accounts.changePassword(req.requester(), body.newPassword(), !Boolean.FALSE.equals(body.logoutDevices()),
        UiaSubmission.of(json));
    return Map.of();
  }

  private Object deactivate(AuthedRequest req) {
    accounts.deactivate(req.requester(), UiaSubmission.of(req.jsonOrEmpty()));
    // This server binds no third-party identifiers, so there is nothing to unbind: "success" by the spec's rule.
    return Map.of("id_server_unbind_result", "success");
  }

  private LoginResponse response(LoginSession session) {
    Map<String, Object> wellKnown =
        publicBaseUrl == null || session.accessToken() == null
            ? null : Map.of("m.homeserver", Map.of("base_url", publicBaseUrl));
    return new LoginResponse(session.userId(), session.accessToken(), session.deviceId(), accounts.serverName(),
        wellKnown);
  }
}
