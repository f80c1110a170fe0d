package dev.larch.overlay.discovery;

import dev.larch.overlay.BadPeerException;
import dev.larch.overlay.identity.PublicKey;

/**
 * The LAN discovery beacon: the sender's 32-byte key, then the TCP port it accepts peerings on (u16 BE).
 *
 * <p>Protocol doc 9 and 14.10: sent to 224.0.0.114 and ff02::114, UDP port 60606, every 2 s. Exactly 34 bytes are
 * sent; a receiver must accept trailing bytes and reject shorter datagrams (Go stops listening on that interface).
 */
public record MulticastBeacon(PublicKey key, int tcpPort) {
  public static final int LENGTH = 34;
  public static final int UDP_PORT = 60606;
  public static final String GROUP_V4 = "224.0.0.114";
  public static final String GROUP_V6 = "ff02::114";
  public static final long INTERVAL_MS = 2_000;

  public MulticastBeacon {
    if (tcpPort < 1 || tcpPort > 0xffff) {
      throw new IllegalArgumentException("beacon port out of range: " + tcpPort);
    }
  }

  public byte[] encode() {
    byte[] out = new byte[LENGTH];
    key.writeTo(out, 0);
    out[32] = (byte) (tcpPort >>> 8);
    out[33] = (byte) tcpPort;
    return out;
  }

  public static MulticastBeacon decode(byte[] datagram, int length) {
    if (length < LENGTH) {
      throw new BadPeerException("beacon shorter than 34 bytes");
    }
    int port = ((datagram[32] & 0xff) << 8) | (datagram[33] & 0xff);
    if (port == 0) {
      throw new BadPeerException("beacon advertises port 0");
    }
    return new MulticastBeacon(PublicKey.read(datagram, 0), port);
  }
}
