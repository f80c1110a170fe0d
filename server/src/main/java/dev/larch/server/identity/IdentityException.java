package dev.larch.server.identity;

/**
 * The node's identity cannot be loaded or created (unusable data dir, corrupt key file). The message says what to do;
 * the launcher prints it and exits 2 without a stack trace.
 */
public final class IdentityException extends Exception {
  private static final long serialVersionUID = 1L;

  /** An exception whose message is a complete sentence for the user. */
  public IdentityException(String message) {
    super(message, null, false, false);
  }
}
