package dev.larch.core.user;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.json.CanonicalJson;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * What a request offers to user-interactive authentication: its {@code auth} object (null when absent) and a hash
 * of the rest of the body, which a session is bound to so a completed stage cannot authorise a different request.
 *
 * <p>Spec: client-server API v1.11, "User-interactive authentication API" ("Authentication data"): {@code auth}
 * carries {@code type}, {@code session} and the stage's own fields.
 *
 * @param auth the {@code auth} object, or null
 * @param bodyHash unpadded base64 SHA-256 of the canonical JSON of the body without {@code auth}
 */
public record UiaSubmission(ObjectNode auth, String bodyHash) {

  /** Splits {@code body} into its {@code auth} object and the hash of everything else. */
  public static UiaSubmission of(ObjectNode body) {
    JsonNode auth = body.get("auth");
    if (auth != null && !auth.isNull() && !auth.isObject()) {
      throw MatrixException.badJson("auth must be an object");
    }
    byte[] canonical;
    try {
      canonical = CanonicalJson.LENIENT.encodeWithout(body, "auth");
    } catch (RuntimeException e) {
      // Not canonicalisable (a number out of range): hash the text instead; binding still works, byte for byte.
      ObjectNode rest = body.deepCopy();
      rest.remove("auth");
      canonical = rest.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    return new UiaSubmission(auth instanceof ObjectNode o ? o : null, sha256(canonical));
  }

  /** The {@code auth.type} offered, or null. */
  public String type() {
    return text("type");
  }

  /** The {@code auth.session} offered, or null. */
  public String session() {
    return text("session");
  }

  private String text(String field) {
    JsonNode value = auth == null ? null : auth.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw MatrixException.badJson("auth." + field + " must be a string");
    }
    return value.asText();
  }

  private static String sha256(byte[] bytes) {
    try {
      return Base64.getEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
