/**
 * HTTP/1.1 on QUIC session streams, as Dendrite's P2P federation uses it: a keep-alive client addressed by peer key
 * and a server whose handler sees the proven peer key, both on Vert.x types ({@code MultiMap}, {@code Buffer},
 * {@code Future}) so the federation module can put its transport on them.
 *
 * <p>Protocol doc 6.4, {@code p2p-federation.md} 2.1-2.3; {@code docs/overlay/README.md} "Sessions".
 */
package dev.larch.overlay.http;
