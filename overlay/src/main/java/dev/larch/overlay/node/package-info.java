/**
 * The Vert.x shell around the router: one context owns the {@link dev.larch.overlay.router.RouterState}, peer links
 * over TCP and WebSocket feed it, a 250 ms timer ticks it, and the datagram API sits on top.
 *
 * <p>Protocol doc 2 (peerings), 6.1 (datagram API), 10 (static peers) and 12.4 (manhole JSON).
 */
package dev.larch.overlay.node;
