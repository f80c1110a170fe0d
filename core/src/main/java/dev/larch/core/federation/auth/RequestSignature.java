package dev.larch.core.federation.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.Signatures;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.crypto.UnpaddedBase64;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.json.CanonicalJson;
import dev.larch.core.json.CanonicalJsonException;

/**
 * Signing and checking federation requests: the signed object is {@code {method, uri, origin, destination,
 * content}} in canonical JSON, and the signature travels in an {@link XMatrix} header.
 *
 * <p>Spec: server-server API v1.11, "Request Authentication". {@code uri} is the request target exactly as sent: the
 * percent-encoded path with its query string, starting at {@code /_matrix}. {@code content} is present only for
 * requests with a body.
 */
public final class RequestSignature {
  private RequestSignature() {}

  /** The object whose canonical JSON is signed; {@code destination} may be null (old senders), {@code content} too. */
  public static ObjectNode signedObject(
      String method, String uri, String origin, String destination, JsonNode content) {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("method", method);
    json.put("uri", uri);
    json.put("origin", origin);
    if (destination != null) {
      json.put("destination", destination);
    }
    if (content != null) {
      json.set("content", content);
    }
    return json;
  }

  /** Signs a request of {@code origin} for {@code destination}; the result's {@link XMatrix#format()} is the header. */
  public static XMatrix sign(String method, String uri, String origin, String destination, JsonNode content,
      String keyId, SigningKey key) {
    ObjectNode json = signedObject(method, uri, origin, destination, content);
    byte[] signed = Signatures.signedBytes(json, CanonicalJson.STRICT);
    String signature = UnpaddedBase64.encode(key.sign(signed));
    return new XMatrix(origin, destination, keyId, signature);
  }

  /**
   * Whether {@code header} is a valid signature by {@code key} of this request. False, never an exception, for a
   * content that has no canonical form (floats, out-of-range numbers) or a signature that does not decode.
   */
  public static boolean verify(String method, String uri, JsonNode content, XMatrix header, VerifyKey key) {
    ObjectNode json = signedObject(method, uri, header.origin(), header.destination(), content);
    byte[] signed;
    try {
      signed = Signatures.signedBytes(json, CanonicalJson.STRICT);
    } catch (CanonicalJsonException e) {
      return false;
    }
    return Signatures.verifySignature(signed, header.signature(), key);
  }
}
