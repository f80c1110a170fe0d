package dev.larch.core.filter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * Port: the filters users have uploaded, kept as the JSON they sent. Every method is one transaction.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#filtering">client-server API v1.11,
 * "Filtering"</a>.
 */
public interface FilterStore {
  /** Stores {@code filter} for {@code userId} and returns its new ID (digits only, so never starting with '{'). */
  String create(String userId, ObjectNode filter);

  /** The filter {@code filterId} of {@code userId}, or empty if that user has no such filter. */
  Optional<ObjectNode> get(String userId, String filterId);
}
