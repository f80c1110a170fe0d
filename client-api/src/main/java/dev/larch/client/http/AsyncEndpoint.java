package dev.larch.client.http;

import java.util.concurrent.CompletionStage;

/**
 * An endpoint whose answer may come later, such as a {@code /sync} long-poll: {@link #handle} runs on a worker
 * thread and returns at once; its stage may complete on any thread, and the response is written when it does.
 *
 * <p>The stage's value is treated as an {@link Endpoint}'s result (JSON 200, {@code null} as {@code {}}, or a
 * {@link Reply}); a failed stage is mapped like a thrown exception. Spec: client-server API v1.11, "Syncing".
 *
 * @param <R> {@link ClientRequest}, or {@link AuthedRequest} for endpoints that need an access token
 */
@FunctionalInterface
public interface AsyncEndpoint<R extends ClientRequest> {
  /** Starts answering {@code request}. */
  CompletionStage<Object> handle(R request) throws Exception;
}
