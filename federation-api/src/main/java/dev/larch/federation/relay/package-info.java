/** Store-and-forward relay endpoints for P2P servers that are away. */
package dev.larch.federation.relay;
