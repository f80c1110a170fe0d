package dev.larch.client.http;

import java.util.concurrent.CompletionStage;

/**
 * An endpoint answering with a file ({@link FileReply}), possibly later: {@link #handle} runs on a worker thread,
 * and the file is sent when its stage completes. A failed stage is answered like a thrown exception.
 *
 * <p>Spec: client-server API v1.11, "Content repository" (downloads may wait for an upload, {@code timeout_ms}).
 *
 * @param <R> {@link ClientRequest}, or {@link AuthedRequest} for endpoints that need an access token
 */
@FunctionalInterface
public interface FileEndpoint<R extends ClientRequest> {
  /** Starts answering {@code request}. */
  CompletionStage<FileReply> handle(R request) throws Exception;
}
