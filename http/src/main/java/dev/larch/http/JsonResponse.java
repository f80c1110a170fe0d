package dev.larch.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.larch.core.json.JsonMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/** Writes a JSON response body with the shared Jackson mapper (never Vert.x's own JSON codec). */
public final class JsonResponse {
  private JsonResponse() {}

  /** Encodes {@code body} once, for responses that never change. */
  public static byte[] encode(Object body) {
    try {
      return JsonMapper.shared().writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode response body of type " + body.getClass().getName(), e);
    }
  }

  /** Ends the response with {@code status} and the JSON encoding of {@code body}. */
  public static void end(RoutingContext ctx, int status, Object body) {
    end(ctx, status, encode(body));
  }

  /** Ends the response with {@code status} and an already encoded JSON body. */
  public static void end(RoutingContext ctx, int status, byte[] json) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(Buffer.buffer(json));
  }
}
