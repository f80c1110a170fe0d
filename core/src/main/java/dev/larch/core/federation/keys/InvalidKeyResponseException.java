package dev.larch.core.federation.keys;

/**
 * A key response that is not what the spec says, or not signed as it must be: the remote's fault, reported in logs
 * and otherwise treated as "no keys from there".
 */
public final class InvalidKeyResponseException extends Exception {
  public InvalidKeyResponseException(String message) {
    super(message);
  }
}
