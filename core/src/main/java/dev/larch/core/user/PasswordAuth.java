package dev.larch.core.user;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import java.util.Optional;

/**
 * Reads the user and password of an {@code m.login.password} object, as sent to {@code POST /login} and as a UIA
 * stage: {@code identifier} of type {@code m.id.user}, or the deprecated top-level {@code user}.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#password-based">client-server API v1.11,
 * "Password-based"</a> and "Identifier types". Third-party and phone identifiers are not supported (this server has
 * no 3PIDs): {@code M_UNKNOWN}, as for any other identifier it cannot resolve.
 */
public final class PasswordAuth {
  private PasswordAuth() {}

  /** The user named by {@code body}, or empty if it names none. */
  public static Optional<String> user(ObjectNode body) {
    JsonNode identifier = body.get("identifier");
    if (identifier != null && !identifier.isNull()) {
      if (!identifier.isObject()) {
        throw MatrixException.badJson("identifier must be an object");
      }
      String type = text(identifier, "type", "identifier.type");
      if (!"m.id.user".equals(type)) {
        throw new MatrixException(ErrorCode.UNKNOWN, "Unsupported identifier type " + type);
      }
      String user = text(identifier, "user", "identifier.user");
      if (user == null) {
        throw MatrixException.badJson("identifier.user is required");
      }
      return Optional.of(user);
    }
    return Optional.ofNullable(text(body, "user", "user"));
  }

  /** The password in {@code body}; {@code M_BAD_JSON} if it is missing or not a string. */
  public static String password(ObjectNode body) {
    String password = text(body, "password", "password");
    if (password == null) {
      throw MatrixException.badJson("password is required");
    }
    return password;
  }

  private static String text(JsonNode object, String field, String name) {
    JsonNode value = object.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw MatrixException.badJson(name + " must be a string");
    }
    return value.asText();
  }
}
