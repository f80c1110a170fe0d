package dev.larch.core.media;

import java.nio.file.Path;

/**
 * Content ready to be served: the file, its length and type, and the file name for {@code Content-Disposition}.
 *
 * <p>Spec: client-server API v1.11, "Content repository" ({@code GET /media/download}, {@code /media/thumbnail}).
 *
 * @param file the complete file holding the bytes
 * @param length its length in bytes
 * @param contentType the type to serve it as
 * @param fileName the name to offer, or null for none
 */
public record MediaContent(Path file, long length, String contentType, String fileName) {
  /** The same content offered under {@code name} instead. */
  public MediaContent withFileName(String name) {
    return new MediaContent(file, length, contentType, name);
  }
}
