package dev.larch.core.crypto;

import java.util.Objects;

/**
 * One entry of a {@code signatures} object: the signing entity (a server name) and the signing key identifier
 * ({@code algorithm:version}, e.g. {@code ed25519:abc}).
 *
 * <p>Spec: appendices, "Signing details".
 */
public record SignatureRef(String serverName, String keyId) {
  public SignatureRef {
    Objects.requireNonNull(serverName, "serverName");
    Objects.requireNonNull(keyId, "keyId");
  }
}
