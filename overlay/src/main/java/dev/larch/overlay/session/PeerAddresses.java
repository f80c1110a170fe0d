package dev.larch.overlay.session;

import dev.larch.overlay.identity.PublicKey;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stands in a stable synthetic {@link InetSocketAddress} for each peer key, because quiche only takes IP addresses
 * (spike note 2): {@code fd} + 15 bytes of SHA-256(key), port 1. A changed address would look like path migration,
 * so the mapping is a pure function of the key; only the way back needs a table.
 *
 * <p>The reverse table holds keys with a live connection ({@link #pin}/{@link #unpin}) plus the last {@link
 * #RECENT} keys heard from, so a flood of packets from made-up keys cannot grow it; the way there is cached as
 * much. Event-loop confined.
 */
final class PeerAddresses {
  static final int RECENT = 4096;
  private static final int PORT = 1;

  private final Map<InetSocketAddress, Pinned> pinned = new HashMap<>();
  private final Map<PublicKey, InetSocketAddress> forward = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<PublicKey, InetSocketAddress> eldest) {
      return size() > RECENT;
    }
  };
  private final Map<InetSocketAddress, PublicKey> recent = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, PublicKey> eldest) {
      return size() > RECENT;
    }
  };

  private static final class Pinned {
    final PublicKey key;
    int count;

    Pinned(PublicKey key) {
      this.key = key;
    }
  }

  /** The synthetic address of {@code key}; also remembers it for the way back. */
  InetSocketAddress addressOf(PublicKey key) {
    InetSocketAddress address = forward.computeIfAbsent(key, PeerAddresses::syntheticAddress); // no hash per packet
    if (!pinned.containsKey(address)) {
      recent.put(address, key);
    }
    return address;
  }

  /** The key behind a synthetic address, or null when it is neither pinned nor recent. */
  PublicKey keyOf(InetSocketAddress address) {
    Pinned p = pinned.get(address);
    return p != null ? p.key : recent.get(address);
  }

  /** Keeps the key's way back while a connection to it lives. */
  void pin(PublicKey key) {
    pinned.computeIfAbsent(syntheticAddress(key), a -> new Pinned(key)).count++;
  }

  void unpin(PublicKey key) {
    InetSocketAddress address = syntheticAddress(key);
    Pinned p = pinned.get(address);
    if (p != null && --p.count <= 0) {
      pinned.remove(address);
      recent.put(address, key);
    }
  }

  /** Pure function of the key. */
  static InetSocketAddress syntheticAddress(PublicKey key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.toBytes());
      byte[] ip = new byte[16];
      ip[0] = (byte) 0xfd;
      System.arraycopy(digest, 0, ip, 1, 15);
      return new InetSocketAddress(Inet6Address.getByAddress(null, ip, -1), PORT);
    } catch (NoSuchAlgorithmException | UnknownHostException e) {
      throw new IllegalStateException("SHA-256 and 16-byte IPv6 addresses are always available", e);
    }
  }
}
