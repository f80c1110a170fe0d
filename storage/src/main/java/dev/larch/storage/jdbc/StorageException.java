package dev.larch.storage.jdbc;

/**
 * A database failure that is not the client's fault. Deliberately not a {@code MatrixException}: the API routers
 * turn it into a 500 with a generic message, so SQL text never reaches a client; the cause is logged server-side.
 */
public class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
