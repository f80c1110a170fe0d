/**
 * {@code /sync}: the tokens, the per-room sections, history-visible timelines, stripped state for invites, and the
 * notifier that wakes long-polls without holding a thread.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#syncing">client-server API v1.11,
 * "Syncing"</a>.
 */
package dev.larch.core.sync;
