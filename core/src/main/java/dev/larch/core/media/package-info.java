/**
 * The content repository: media IDs and {@code mxc://} URIs, uploads (direct and asynchronous), downloads,
 * thumbnails, and the two ports behind them, {@link dev.larch.core.media.MediaStore} (metadata) and
 * {@link dev.larch.core.media.ContentStore} (the bytes, content-addressed).
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#content-repository">client-server API v1.11,
 * "Content repository"</a>.
 */
package dev.larch.core.media;
