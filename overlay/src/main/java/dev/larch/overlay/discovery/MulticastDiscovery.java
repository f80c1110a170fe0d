package dev.larch.overlay.discovery;

import dev.larch.overlay.BadPeerException;
import dev.larch.overlay.identity.PublicKey;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LAN discovery as Go's {@code multicast/multicast.go} does it: on every suitable interface, join 224.0.0.114 (if
 * the interface has a usable IPv4 address) and ff02::114 (if it has a link-local IPv6 address) on UDP 60606, send our
 * 34-byte beacon at once and then every 2 s, and dial the advertised TCP port at the sender's address for every
 * beacon from a key we are not yet connected to in that zone.
 *
 * <p>Protocol doc 9. Which side dials: both. Each node dials every beacon it hears, so two nodes that hear each other
 * usually end up with two parallel peerings, which is legal; a dial is skipped only while one to the same address is
 * in flight, or once a peering with that key exists in the zone (the interface name for IPv6, empty for IPv4). A
 * datagram shorter than 34 bytes, or a read error, cancels discovery on that interface until the next rescan (every
 * 10 s), exactly as Go does; our own beacons come back through multicast loopback and are ignored.
 *
 * <p>Threads: {@link #tick} and everything else run on the owner's context; only the blocking receive loops run on
 * their own daemon threads, and they hand each datagram to the context through {@code onContext}.
 */
public final class MulticastDiscovery {
  private static final Logger LOG = LoggerFactory.getLogger(MulticastDiscovery.class);
  static final long RESCAN_MS = 10_000;

  /** What discovery needs from the node that owns it; all calls happen on the node's context. */
  public interface Host {
    PublicKey self();

    /** The TCP port peers should dial (the dedicated multicast listener, as in Go). */
    int advertisedPort();

    /** Whether a peering with {@code key} exists in {@code zone} (Go's {@code Router.IsConnected}). */
    boolean isConnected(PublicKey key, String zone);

    /**
     * Dials {@code remote} over TCP from {@code local} (5 s timeout) and peers with type Multicast and {@code zone};
     * calls {@code done} on the context once the attempt is over, whatever its outcome.
     */
    void dial(InetSocketAddress remote, InetAddress local, String zone, Runnable done);
  }

  private final Host host;
  private final Set<String> allowed;
  private final Executor onContext;
  private final Map<String, MulticastInterface> interfaces = new LinkedHashMap<>();
  private final Set<String> dialling = new HashSet<>();
  private long nextRescan = Long.MIN_VALUE;
  private boolean closed;

  /**
   * @param allowed interface names to use; empty = every suitable non-loopback interface. A loopback interface is
   *     used only when named here (tests confine discovery to {@code lo} in a network namespace).
   */
  public MulticastDiscovery(Host host, List<String> allowed, Executor onContext) {
    this.host = host;
    this.allowed = Set.copyOf(allowed);
    this.onContext = onContext;
  }

  /** Rescans interfaces when due and sends the beacons that are due. Call every few hundred ms on the context. */
  public void tick(long now) {
    if (closed) {
      return;
    }
    if (now >= nextRescan) {
      nextRescan = now + RESCAN_MS;
      rescan();
    }
    byte[] beacon = new MulticastBeacon(host.self(), host.advertisedPort()).encode();
    for (MulticastInterface intf : interfaces.values()) {
      intf.sendDue(beacon, now);
    }
  }

  /** The interfaces discovery currently runs on (for logs and tests). */
  public List<String> activeInterfaces() {
    return new ArrayList<>(interfaces.keySet());
  }

  /** Stops every socket; idempotent. */
  public void close() {
    closed = true;
    new ArrayList<>(interfaces.values()).forEach(MulticastInterface::cancel);
    interfaces.clear();
  }

  /** Whether Go would use this interface (up, multicast, not point-to-point), plus our loopback/allow-list rule. */
  boolean suitable(NetworkInterface intf) throws SocketException {
    if (!intf.isUp() || !intf.supportsMulticast() || intf.isPointToPoint()) {
      return false;
    }
    if (!allowed.isEmpty()) {
      return allowed.contains(intf.getName());
    }
    return !intf.isLoopback();
  }

  private void rescan() {
    List<NetworkInterface> all;
    try {
      all = Collections.list(NetworkInterface.getNetworkInterfaces());
    } catch (SocketException e) {
      LOG.debug("cannot list network interfaces: {}", e.toString());
      return;
    }
    Set<String> seen = new HashSet<>();
    for (NetworkInterface intf : all) {
      seen.add(intf.getName());
      boolean ok;
      try {
        ok = suitable(intf);
      } catch (SocketException e) {
        ok = false;
      }
      MulticastInterface running = interfaces.get(intf.getName());
      if (running != null && !ok) {
        running.cancel();
      } else if (running == null && ok) {
        MulticastInterface started = MulticastInterface.start(intf, allowed.contains(intf.getName()), this);
        if (started != null) {
          interfaces.put(intf.getName(), started);
        }
      }
    }
    // An interface that disappeared altogether is unsuitable too.
    new ArrayList<>(interfaces.values()).stream().filter(i -> !seen.contains(i.name())).forEach(
        MulticastInterface::cancel);
  }

  /** Called by {@link MulticastInterface} when it gives up (short read, read error, cancel). On the context. */
  void removed(MulticastInterface intf) {
    interfaces.remove(intf.name(), intf);
  }

  /** Hands a datagram from a receive thread to the context. */
  void received(MulticastInterface intf, byte[] datagram, int length, InetSocketAddress sender, String zone) {
    onContext.execute(() -> onDatagram(intf, datagram, length, sender, zone));
  }

  /** Called from a receive thread when the read failed; Go cancels the interface until the next rescan. */
  void readFailed(MulticastInterface intf, String reason) {
    onContext.execute(() -> {
      if (!intf.cancelled()) {
        LOG.debug("multicast read on {} failed ({}); off until the next rescan", intf.name(), reason);
        intf.cancel();
      }
    });
  }

  /**
   * Go's {@code listen} loop body for one datagram, on the context. Package-visible so tests can drive it without
   * sockets.
   */
  void onDatagram(MulticastInterface intf, byte[] datagram, int length, InetSocketAddress sender, String zone) {
    if (closed || intf.cancelled()) {
      return;
    }
    MulticastBeacon beacon;
    try {
      beacon = MulticastBeacon.decode(datagram, length);
    } catch (BadPeerException e) {
      // Go: a read shorter than 34 bytes cancels discovery on this interface until the next rescan.
      LOG.debug("short multicast beacon on {} from {}; off until the next rescan", intf.name(), sender);
      intf.cancel();
      return;
    } catch (IllegalArgumentException e) {
      return; // port 0 cannot be dialled; Go would fail the dial, with the same outcome
    }
    if (beacon.key().equals(host.self()) || host.isConnected(beacon.key(), zone)) {
      return;
    }
    InetSocketAddress target = new InetSocketAddress(sender.getAddress(), beacon.tcpPort());
    String dialKey = target.toString();
    if (!dialling.add(dialKey)) {
      return;
    }
    LOG.debug("multicast beacon from {} at {}; dialling", beacon.key(), target);
    host.dial(target, intf.source(sender.getAddress()), zone, () -> dialling.remove(dialKey));
  }

  /** Whether a dial to this address is in flight (tests). */
  boolean isDialling(InetSocketAddress target) {
    return dialling.contains(target.toString());
  }

  /** Puts a ready-made interface in the table (tests drive {@link #onDatagram} with it). */
  void register(MulticastInterface intf) {
    interfaces.put(intf.name(), intf);
  }

  static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing an already-failed socket: nothing to do
    }
  }
}
