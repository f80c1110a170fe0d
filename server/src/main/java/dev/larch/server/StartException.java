package dev.larch.server;

/**
 * The node could not start for a reason outside the configuration's syntax, such as a port already in use. The
 * message is a complete sentence for the user; the launcher prints it and exits 1 without a stack trace.
 */
public final class StartException extends Exception {
  private static final long serialVersionUID = 1L;

  /** An exception whose message is a complete sentence for the user. */
  public StartException(String message) {
    super(message, null, false, false);
  }
}
