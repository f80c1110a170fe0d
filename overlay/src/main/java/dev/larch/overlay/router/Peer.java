package dev.larch.overlay.router;

import dev.larch.overlay.identity.PublicKey;
import dev.larch.overlay.wire.SwitchAnnouncement;

/** One switch port's peering as the router sees it; mutable, owned by {@link RouterState}. Protocol doc 2.2, 4.5. */
final class Peer {
  final int port;
  final PublicKey key;
  final PeerType type;
  final String zone;
  final String uri;
  boolean started = true;
  long lastReceived;
  long lastSent;
  /** The last announcement this peer sent us, or null before its first. */
  SwitchAnnouncement announcement;
  long announcementReceivedAt;
  long announcementOrder;

  Peer(int port, PublicKey key, PeerType type, String zone, String uri, long now) {
    this.port = port;
    this.key = key;
    this.type = type;
    this.zone = zone;
    this.uri = uri;
    this.lastReceived = now;
    this.lastSent = now;
  }

  boolean isLocal() {
    return port == 0;
  }
}
