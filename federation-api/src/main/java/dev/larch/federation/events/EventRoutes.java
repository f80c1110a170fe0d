package dev.larch.federation.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.federation.events.FederationEventReads;
import dev.larch.federation.http.FederationEndpoints;
import dev.larch.federation.http.FederationRequest;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;

/**
 * Room history for other servers: {@code /event}, {@code /state}, {@code /state_ids}, {@code /event_auth},
 * {@code /backfill}, {@code /get_missing_events}.
 *
 * <p>Spec: server-server API v1.11, "Retrieving events" and "Backfilling and retrieving missing events". Defaults
 * as the spec gives them: {@code get_missing_events} {@code limit} 10, {@code min_depth} 0.
 */
public final class EventRoutes {
  private static final String V1 = "/_matrix/federation/v1";

  private final FederationEventReads reads;

  public EventRoutes(FederationEventReads reads) {
    this.reads = reads;
  }

  public void mount(Router router, FederationEndpoints endpoints) {
    router.get(V1 + "/event/:eventId").handler(endpoints.signed(
        request -> reads.event(request.origin(), request.path("eventId"))));
    router.get(V1 + "/state/:roomId").handler(endpoints.signed(
        request -> reads.state(request.origin(), request.path("roomId"), eventIdParam(request))));
    router.get(V1 + "/state_ids/:roomId").handler(endpoints.signed(
        request -> reads.stateIds(request.origin(), request.path("roomId"), eventIdParam(request))));
    router.get(V1 + "/event_auth/:roomId/:eventId").handler(endpoints.signed(
        request -> reads.eventAuth(request.origin(), request.path("roomId"), request.path("eventId"))));
    router.get(V1 + "/backfill/:roomId").handler(endpoints.signed(request -> reads.backfill(request.origin(),
        request.path("roomId"), splitAll(request.queryAll("v")), intParam(request, "limit", 10))));
    router.post(V1 + "/get_missing_events/:roomId").handler(endpoints.signed(request -> {
      ObjectNode body = request.json();
      return reads.missingEvents(request.origin(), request.path("roomId"), ids(body, "earliest_events"),
          ids(body, "latest_events"), (int) number(body, "limit", 10), number(body, "min_depth", 0));
    }));
  }

  private static String eventIdParam(FederationRequest request) {
    return request.query("event_id").orElseThrow(() -> MatrixException.missingParam("event_id is required"));
  }

  private static int intParam(FederationRequest request, String name, int fallback) {
    String value = request.query(name).orElse(null);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw MatrixException.invalidParam(name + " must be an integer");
    }
  }

  // ?v=a&v=b, or the OpenAPI form v=a,b; event IDs contain no commas.
  private static List<String> splitAll(List<String> values) {
    List<String> out = new ArrayList<>();
    for (String value : values) {
      for (String part : value.split(",")) {
        if (!part.isEmpty()) {
          out.add(part);
        }
      }
    }
    return out;
  }

  private static List<String> ids(ObjectNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || !node.isArray()) {
      throw MatrixException.badJson(field + " must be a list of event IDs");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode id : node) {
      if (!id.isTextual()) {
        throw MatrixException.badJson(field + " must be a list of event IDs");
      }
      out.add(id.textValue());
    }
    return out;
  }

  private static long number(ObjectNode body, String field, long fallback) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      throw MatrixException.badJson(field + " must be an integer");
    }
    return node.asLong();
  }
}
