package dev.larch.core.federation.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.federation.keys.ServerKeys;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestAuthenticatorTest {
  private static final String US = "us.example";
  private static final String THEM = "them.example";
  private static final long NOW = 1_700_000_000_000L;

  private final SigningKey key = SigningKey.generate(new SecureRandom());
  private long validUntil = NOW + 1000;
  private final ServerKeys keys = (server, keyId, at) ->
      THEM.equals(server) && "ed25519:1".equals(keyId) && (at == ServerKeys.ANY_TIME || at <= validUntil)
          ? Optional.of(VerifyKey.of(keyId, key))
          : Optional.empty();
  private final RequestAuthenticator authenticator =
      new RequestAuthenticator(US, keys, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));

  private ObjectNode body() {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("pdus", 1);
    return body;
  }

  private String header(String destination, ObjectNode content) {
    return RequestSignature.sign("PUT", "/_matrix/federation/v1/send/1", THEM, destination, content, "ed25519:1", key)
        .format();
  }

  @Test
  void aValidlySignedRequestNamesItsOrigin() {
    assertEquals(THEM, authenticator.authenticate("PUT", "/_matrix/federation/v1/send/1",
        List.of(header(US, body())), body()));
    assertEquals(THEM, authenticator.authenticate("PUT", "/_matrix/federation/v1/send/1",
        List.of(header(null, body())), body()), "no destination is accepted for old senders");
  }

  @Test
  void forgedMisdirectedExpiredAndUnsignedRequestsAreUnauthorized() {
    ObjectNode tampered = body();
    tampered.put("pdus", 2);
    assertUnauthorized(() -> authenticator.authenticate("PUT", "/_matrix/federation/v1/send/1",
        List.of(header(US, body())), tampered));
    assertUnauthorized(() -> authenticator.authenticate("PUT", "/_matrix/federation/v1/send/2",
        List.of(header(US, body())), body()));
    assertUnauthorized(() -> authenticator.authenticate("PUT", "/_matrix/federation/v1/send/1",
        List.of(header("other.example", body())), body()));
    assertUnauthorized(() -> authenticator.authenticate("PUT", "/_matrix/federation/v1/send/1", List.of(), body()));
    assertUnauthorized(() -> authenticator.authenticate("PUT", "/_matrix/federation/v1/send/1",
        List.of("Bearer x"), body()));
    validUntil = NOW - 1;
    assertUnauthorized(() -> authenticator.authenticate("PUT", "/_matrix/federation/v1/send/1",
        List.of(header(US, body())), body()));
  }

  @Test
  void aSignatureByAnotherKeyIsRefused() {
    SigningKey other = SigningKey.generate(new SecureRandom());
    String forged = RequestSignature.sign("GET", "/x", THEM, US, null, "ed25519:1", other).format();
    MatrixException e = assertUnauthorized(() -> authenticator.authenticate("GET", "/x", List.of(forged), null));
    assertTrue(e.getMessage().contains("Invalid signature"), e.getMessage());
  }

  private static MatrixException assertUnauthorized(org.junit.jupiter.api.function.Executable call) {
    MatrixException e = assertThrows(MatrixException.class, call);
    assertEquals(ErrorCode.UNAUTHORIZED, e.errorCode());
    return e;
  }
}
