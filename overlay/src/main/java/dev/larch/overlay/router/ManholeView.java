package dev.larch.overlay.router;

import dev.larch.overlay.wire.Root;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The router state in the shape of Go's manhole JSON (what Dendrite serves at {@code GET /pinecone}), as plain maps
 * and lists ready for any JSON encoder.
 *
 * <p>Protocol doc 12.4 and Go's {@code router/manhole.go}: {@code public_key}, {@code coords}, {@code root},
 * {@code parent}, {@code peers} (hex key → one entry per peering, by receive order), {@code snek.descending},
 * {@code snek.paths} (by key) and {@code coords_cache}. Byte counters come from the shell through
 * {@link PortCounters}, since only it sees bytes.
 */
public final class ManholeView {
  /** Per-port byte counters: {rx proto, tx proto, rx traffic, tx traffic}, or null when unknown. */
  @FunctionalInterface
  public interface PortCounters {
    long[] of(int port);
  }

  private final RouterState state;

  private ManholeView(RouterState state) {
    this.state = state;
  }

  static ManholeView of(RouterState state) {
    return new ManholeView(state);
  }

  /** The JSON object; must be called on the router's thread. */
  public Map<String, Object> toMap(PortCounters counters) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("public_key", state.self.hex());
    json.put("coords", state.coords().toString());
    json.put("root", root(state.root()));
    Peer parent = state.tree.parent();
    json.put("parent", parent == null ? null : portRef(parent));
    Map<String, List<Map<String, Object>>> peers = new TreeMap<>();
    for (Peer peer : state.peers()) {
      Map<String, Object> info = new LinkedHashMap<>();
      if (peer.announcement != null) {
        info.put("coords", peer.announcement.coords().toString()); // the full hop list, as Go shows it
        info.put("order", peer.announcementOrder);
      }
      info.put("port", peer.port);
      if (peer.type.ordinal() != 0) {
        info.put("type", peer.type.ordinal());
      }
      if (!peer.zone.isEmpty()) {
        info.put("zone", peer.zone);
      }
      if (!peer.uri.isEmpty()) {
        info.put("uri", peer.uri);
      }
      long[] c = counters == null ? null : counters.of(peer.port);
      info.put("rx_proto_bytes", c == null ? 0 : c[0]);
      info.put("tx_proto_bytes", c == null ? 0 : c[1]);
      info.put("rx_traffic_bytes", c == null ? 0 : c[2]);
      info.put("tx_traffic_bytes", c == null ? 0 : c[3]);
      peers.computeIfAbsent(peer.key.hex(), k -> new ArrayList<>()).add(info);
    }
    for (List<Map<String, Object>> list : peers.values()) {
      list.sort(Comparator.comparingLong(m -> ((Number) m.getOrDefault("order", 0L)).longValue()));
    }
    json.put("peers", peers);
    Map<String, Object> snek = new LinkedHashMap<>();
    SnekEntry descending = state.snek.descending();
    snek.put("descending", descending == null ? null : entry(descending));
    List<SnekEntry> paths = state.snek.entries();
    paths.sort(Comparator.comparing(SnekEntry::key));
    List<Object> pathJson = new ArrayList<>();
    for (SnekEntry e : paths) {
      pathJson.add(entry(e));
    }
    snek.put("paths", pathJson.isEmpty() ? null : pathJson); // Go encodes an empty slice here as null
    json.put("snek", snek);
    Map<String, Object> cache = new TreeMap<>();
    state.coordsCache.forEach((key, cached) -> {
      if (state.now - cached.lastSeen() <= RouterState.COORDS_CACHE_LIFETIME_MS) {
        cache.put(key.hex(), cached.coords().toString());
      }
    });
    json.put("coords_cache", cache);
    return json;
  }

  private static Map<String, Object> root(Root root) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("root_public_key", root.key().hex());
    json.put("root_sequence", root.sequence());
    return json;
  }

  private static Map<String, Object> portRef(Peer peer) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("port", peer.port);
    json.put("public_key", peer.key.hex());
    return json;
  }

  private static Map<String, Object> entry(SnekEntry e) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("public_key", e.key().hex());
    json.put("source", portRef(e.source()));
    json.put("destination", e.destination() == null ? null : portRef(e.destination()));
    Map<String, Object> watermark = new LinkedHashMap<>();
    watermark.put("public_key", e.watermark().key().hex());
    watermark.put("sequence", e.watermark().sequence());
    json.put("watermark", watermark);
    json.put("last_seen", Instant.ofEpochMilli(e.lastSeen()).toString());
    json.put("root", root(e.root()));
    return json;
  }
}
