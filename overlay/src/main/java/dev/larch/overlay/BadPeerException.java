package dev.larch.overlay;

/**
 * The remote peer sent something the protocol forbids; the link to it is dropped, the process carries on.
 *
 * <p>Pinecone protocol doc sections 2.5 and 3.9 list what makes the Go node drop a peering. Anything that is our own
 * bug is an ordinary {@link IllegalStateException} or {@link IllegalArgumentException} instead, so logs can tell the
 * two apart (WARN, rate-limited, for this one; ERROR for ours).
 */
public final class BadPeerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadPeerException(String message) {
    super(message, null, false, false); // no stack trace: peers can make us throw these at line rate
  }
}
