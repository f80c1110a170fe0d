package dev.larch.client.http;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A binary response streamed from a file (media downloads and thumbnails), for endpoints mounted with
 * {@link StreamEndpoints}: status 200, the file's bytes as the body, and the headers given. Errors are thrown as
 * {@link dev.larch.core.error.MatrixException} and answered as JSON like everywhere else.
 *
 * <p>Spec: client-server API v1.11, "Content repository".
 *
 * @param file the file to send; it must stay in place until sent (content files are never rewritten)
 * @param length how many bytes of it to send, from the start
 * @param contentType the {@code Content-Type}
 * @param headers further headers, such as {@code Content-Disposition}
 */
public record FileReply(Path file, long length, String contentType, Map<String, String> headers) {
  public FileReply {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(contentType, "contentType");
    if (length < 0) {
      throw new IllegalArgumentException("negative length");
    }
    headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }
}
