package dev.larch.core.media;

import dev.larch.core.id.ServerName;
import java.util.Objects;

/**
 * A Matrix content URI, {@code mxc://<server-name>/<media-id>}.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#matrix-content-mxc-uris">client-server API
 * v1.11, "Matrix Content (mxc://) URIs"</a>.
 */
public record ContentUri(ServerName serverName, MediaId mediaId) {
  public ContentUri {
    Objects.requireNonNull(serverName, "serverName");
    Objects.requireNonNull(mediaId, "mediaId");
  }

  @Override
  public String toString() {
    return "mxc://" + serverName.value() + "/" + mediaId.value();
  }
}
