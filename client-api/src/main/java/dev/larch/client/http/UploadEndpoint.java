package dev.larch.client.http;

import java.nio.file.Path;

/**
 * An endpoint whose request body is raw bytes of any size up to its own limit (media uploads), streamed into a file
 * instead of being held in memory. Both methods run on worker threads.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#content-repository">client-server API v1.11,
 * "Content repository"</a> ({@code POST /media/v3/upload}, {@code PUT /media/v3/upload/{serverName}/{mediaId}}).
 */
public interface UploadEndpoint {
  /**
   * Runs before the body is read: checks that the upload may happen (throwing its error, so a refused upload costs
   * no bytes) and returns the empty file the body is to be written into.
   */
  Path begin(AuthedRequest request) throws Exception;

  /**
   * Runs once the whole body ({@code length} bytes) is in {@code body}; returns the JSON response body like an
   * {@link Endpoint}. The file is deleted afterwards if it is still there, so this may move it away.
   */
  Object complete(AuthedRequest request, Path body, long length) throws Exception;
}
