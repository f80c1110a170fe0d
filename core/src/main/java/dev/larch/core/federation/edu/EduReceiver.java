package dev.larch.core.federation.edu;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Port: takes the EDUs of an incoming transaction ({@code PUT /_matrix/federation/v1/send/{txnId}}), after the
 * request's signature was checked. Spec: server-server API, "EDUs" ({@code m.typing}, {@code m.receipt},
 * {@code m.presence}, {@code m.device_list_update}, {@code m.signing_key_update}, {@code m.direct_to_device}).
 *
 * <p>An EDU is best-effort: an implementation checks that {@code origin} may speak for what the EDU claims (its own
 * users, rooms it is in), drops what it may not or does not understand, and never throws for a bad EDU.
 */
@FunctionalInterface
public interface EduReceiver {
  /**
   * @param origin the authenticated server that sent the transaction
   * @param eduType the EDU's {@code edu_type}
   * @param content the EDU's {@code content}, as received
   */
  void receive(String origin, String eduType, JsonNode content);

  /** Drops every EDU (until EDUs are handled). */
  EduReceiver IGNORE = (origin, type, content) -> {};
}
