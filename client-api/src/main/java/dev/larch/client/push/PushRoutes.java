package dev.larch.client.push;

import dev.larch.client.http.AuthedRequest;
import dev.larch.client.http.ClientPaths;
import dev.larch.client.http.Endpoints;
import dev.larch.core.push.PushRuleService;
import dev.larch.core.push.PusherService;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.Map;

/**
 * Push rules ({@code /pushrules}) and pushers ({@code /pushers}).
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#push-rules-api">client-server API v1.11,
 * "Push Rules: API"</a> and <a href="https://spec.matrix.org/v1.11/client-server-api/#get_matrixclientv3pushers">
 * "Pushers"</a>.
 */
public final class PushRoutes {
  private static final String RULE = "/pushrules/:scope/:kind/:ruleId";

  private final PushRuleService rules;
  private final PusherService pushers;

  public PushRoutes(PushRuleService rules, PusherService pushers) {
    this.rules = rules;
    this.pushers = pushers;
  }

  /** Adds the routes below to {@code router}. */
  public void mount(Router router, Endpoints endpoints) {
    // GET /_matrix/client/v3/pushrules/
    ClientPaths.route(router, HttpMethod.GET, "/pushrules/", endpoints.authed(req -> rules.ruleset(req.userId())));
    ClientPaths.route(router, HttpMethod.GET, "/pushrules", endpoints.authed(req -> rules.ruleset(req.userId())));
    // GET /_matrix/client/v3/pushrules/global/
    ClientPaths.route(router, HttpMethod.GET, "/pushrules/global/", endpoints.authed(req -> rules.global(req.userId())));
    ClientPaths.route(router, HttpMethod.GET, "/pushrules/global", endpoints.authed(req -> rules.global(req.userId())));
    // GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}
    ClientPaths.route(router, HttpMethod.GET, RULE, endpoints.authed(
        req -> rules.rule(req.userId(), req.path("scope"), req.path("kind"), req.path("ruleId"))));
    // PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}
    ClientPaths.route(router, HttpMethod.PUT, RULE, endpoints.authed(this::put));
    // DELETE /_matrix/client/v3/pushrules/global/{kind}/{ruleId}
    ClientPaths.route(router, HttpMethod.DELETE, RULE, endpoints.authed(this::delete));
    // GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/enabled
    ClientPaths.route(router, HttpMethod.GET, RULE + "/enabled", endpoints.authed(
        req -> rules.enabled(req.userId(), req.path("scope"), req.path("kind"), req.path("ruleId"))));
    // PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/enabled
    ClientPaths.route(router, HttpMethod.PUT, RULE + "/enabled", endpoints.authed(this::putEnabled));
    // GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/actions
    ClientPaths.route(router, HttpMethod.GET, RULE + "/actions", endpoints.authed(
        req -> rules.actions(req.userId(), req.path("scope"), req.path("kind"), req.path("ruleId"))));
    // PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/actions
    ClientPaths.route(router, HttpMethod.PUT, RULE + "/actions", endpoints.authed(this::putActions));
    // GET /_matrix/client/v3/pushers
    ClientPaths.route(router, HttpMethod.GET, "/pushers", endpoints.authed(req -> pushers.pushers(req.userId())));
    // POST /_matrix/client/v3/pushers/set
    ClientPaths.route(router, HttpMethod.POST, "/pushers/set", endpoints.authed(this::setPusher));
  }

  private Object put(AuthedRequest req) {
    rules.put(req.userId(), req.path("scope"), req.path("kind"), req.path("ruleId"), req.json(),
        req.query("before").orElse(null), req.query("after").orElse(null));
    return Map.of();
  }

  private Object delete(AuthedRequest req) {
    rules.delete(req.userId(), req.path("scope"), req.path("kind"), req.path("ruleId"));
    return Map.of();
  }

  private Object putEnabled(AuthedRequest req) {
    rules.setEnabled(req.userId(), req.path("scope"), req.path("kind"), req.path("ruleId"), req.json());
    return Map.of();
  }

  private Object putActions(AuthedRequest req) {
    rules.setActions(req.userId(), req.path("scope"), req.path("kind"), req.path("ruleId"), req.json());
    return Map.of();
  }

  private Object setPusher(AuthedRequest req) {
    pushers.set(req.userId(), req.json());
    return Map.of();
  }
}
