package dev.larch.overlay.router;

/**
 * How a peering was made; local metadata only, never on the wire. Lower is preferred among parallel links.
 *
 * <p>Protocol doc 2.4 ("Peer types"); the ordinal is Go's numeric value.
 */
public enum PeerType {
  PIPE,
  MULTICAST,
  BONJOUR,
  REMOTE,
  BLUETOOTH
}
