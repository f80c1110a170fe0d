package dev.larch.client.http;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * Adds the CORS headers the spec asks for to every response and answers every {@code OPTIONS} request itself.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#web-browser-clients">client-server API v1.11,
 * "Web Browser Clients"</a>: the headers go on all responses, and an {@code OPTIONS} request must not run the
 * endpoint's logic. Vert.x's {@code CorsHandler} is not used because it only reacts to requests carrying an
 * {@code Origin} header and answers unknown paths' preflights with 405.
 */
public final class Cors implements Handler<RoutingContext> {
  static final String ALLOW_METHODS = "GET, POST, PUT, DELETE, OPTIONS";
  static final String ALLOW_HEADERS = "X-Requested-With, Content-Type, Authorization";

  @Override
  public void handle(RoutingContext ctx) {
    MultiMap headers = ctx.response().headers();
    headers.set("Access-Control-Allow-Origin", "*");
    headers.set("Access-Control-Allow-Methods", ALLOW_METHODS);
    headers.set("Access-Control-Allow-Headers", ALLOW_HEADERS);
    if (ctx.request().method() == HttpMethod.OPTIONS) {
      ctx.response().setStatusCode(204).end();
      return;
    }
    ctx.next();
  }
}
