/**
 * Federation, the server-server API's domain side: the ports through which the kernel reaches other servers
 * ({@link dev.larch.core.federation.FederationClient}) and learns their keys
 * ({@link dev.larch.core.federation.keys.ServerKeys}), request authentication, and the flows built on them.
 *
 * <p>Nothing here knows how a request travels (HTTPS with DNS discovery, or QUIC over the Pinecone overlay): that is
 * the transport behind {@code FederationClient}, chosen by destination in {@code server}.
 */
package dev.larch.core.federation;
