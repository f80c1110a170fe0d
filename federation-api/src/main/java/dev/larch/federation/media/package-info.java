/** Media over federation: serving ours ({@link dev.larch.federation.media.MediaRoutes}) and fetching others'. */
package dev.larch.federation.media;
