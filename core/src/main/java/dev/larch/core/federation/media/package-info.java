/**
 * Other servers' media for our clients: fetched from the origin over federation (the federation media API, with the
 * legacy media API as fallback) through the {@link dev.larch.core.federation.media.RemoteMediaFetcher} port, and
 * cached locally ({@link dev.larch.core.federation.media.RemoteMediaCache}).
 */
package dev.larch.core.federation.media;
