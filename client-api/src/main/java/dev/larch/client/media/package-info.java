/**
 * The content repository's HTTP side: uploads ({@code /_matrix/media/v3/upload}, {@code /_matrix/media/v1/create}),
 * authenticated downloads and thumbnails ({@code /_matrix/client/v1/media/*}), their deprecated unauthenticated
 * twins ({@code /_matrix/media/v3/*}), and the headers media is served with.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#content-repository">client-server API v1.11,
 * "Content repository"</a>.
 */
package dev.larch.client.media;
