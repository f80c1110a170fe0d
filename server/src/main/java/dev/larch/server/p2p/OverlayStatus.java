package dev.larch.server.p2p;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The overlay's state as one log line, from the same JSON {@code GET /pinecone} serves: how many peers and which,
 * the tree root and our coordinates, how many SNEK paths run through us, and the traffic so far. Logged every few
 * minutes, so a user reading the log sees whether the node is connected and routing without calling an endpoint.
 */
final class OverlayStatus {
  private OverlayStatus() {}

  static String line(JsonObject manhole) {
    JsonArray peers = manhole.getJsonArray("peers", new JsonArray());
    StringBuilder names = new StringBuilder();
    long rx = 0;
    long tx = 0;
    for (int i = 0; i < peers.size(); i++) {
      JsonObject peer = peers.getJsonObject(i);
      String key = peer.getString("public_key", "?");
      names.append(i == 0 ? "" : ",").append(key, 0, Math.min(8, key.length()));
      if (peer.getString("zone") != null) {
        names.append('@').append(peer.getString("zone"));
      }
      rx += peer.getLong("rx_traffic_bytes", 0L);
      tx += peer.getLong("tx_traffic_bytes", 0L);
    }
    JsonObject root = manhole.getJsonObject("root", new JsonObject());
    JsonObject snek = manhole.getJsonObject("snek", new JsonObject());
    Object paths = snek.getValue("paths");
    int pathCount = paths instanceof JsonArray array ? array.size() : paths instanceof JsonObject o ? o.size() : 0;
    String rootKey = root.getString("root_public_key", "?");
    return String.format("overlay status peers=%d [%s] root=%s coords=%s snek_paths=%d traffic_rx=%d traffic_tx=%d",
        peers.size(), names, rootKey.substring(0, Math.min(8, rootKey.length())),
        manhole.getString("coords", "[]"), pathCount, rx, tx);
  }
}
