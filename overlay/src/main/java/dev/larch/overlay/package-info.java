/**
 * The Pinecone overlay, byte-compatible with the Go reference ({@code matrix-org/pinecone} at {@code ea4c337}).
 *
 * <p>Layers, bottom up: {@code identity} (keys and their ordering), {@code wire} (frame and handshake codecs),
 * {@code router} (the single-threaded tree + SNEK state machine), {@code discovery} (LAN multicast beacons) and
 * {@code node} (the Vert.x shell: peer links, timers, the datagram API). See {@code docs/overlay/README.md}.
 */
package dev.larch.overlay;
