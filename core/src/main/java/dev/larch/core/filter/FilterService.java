package dev.larch.core.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.json.JsonMapper;
import java.io.IOException;
import java.util.Objects;

/**
 * Uploads, reads and resolves sync filters: a user's own filters only, validated before they are stored, so a stored
 * filter always parses.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#filtering">client-server API v1.11,
 * "Filtering"</a>; {@code /sync}'s {@code filter} parameter is a filter ID or an inline JSON filter.
 */
public final class FilterService {
  private final FilterStore store;

  public FilterService(FilterStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** Validates and stores a filter for {@code userId}; only that user may do it. Returns the filter ID. */
  public String create(String requester, String userId, JsonNode filter) {
    requireSelf(requester, userId);
    FilterParser.parse(filter);
    return store.create(userId, (ObjectNode) filter);
  }

  /** The stored filter JSON; {@code M_NOT_FOUND} if {@code userId} has no filter {@code filterId}. */
  public ObjectNode get(String requester, String userId, String filterId) {
    requireSelf(requester, userId);
    return store.get(userId, filterId).orElseThrow(() -> MatrixException.notFound("No such filter"));
  }

  /**
   * The filter a {@code /sync} {@code filter} parameter names: inline JSON when it starts with '{', else the ID of
   * one of the user's filters. Absent means {@link Filter#DEFAULT}.
   */
  public Filter resolve(String userId, String parameter) {
    if (parameter == null || parameter.isEmpty()) {
      return Filter.DEFAULT;
    }
    if (parameter.startsWith("{")) {
      JsonNode json;
      try {
        json = JsonMapper.shared().readTree(parameter);
      } catch (IOException e) {
        throw MatrixException.notJson("filter is not valid JSON");
      }
      return FilterParser.parse(json);
    }
    return FilterParser.parse(
        store.get(userId, parameter).orElseThrow(() -> MatrixException.notFound("No such filter")));
  }

  private static void requireSelf(String requester, String userId) {
    if (!requester.equals(userId)) {
      throw MatrixException.forbidden("Cannot use filters of other users");
    }
  }
}
