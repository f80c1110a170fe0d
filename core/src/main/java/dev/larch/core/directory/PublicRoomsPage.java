package dev.larch.core.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * One page of a public room list.
 *
 * <p>Spec: client-server API v1.11, {@code PublicRoomsResponse}.
 *
 * @param nextBatch the token for the following page, or null when this is the last one
 * @param prevBatch the token for the page before, or null when this is the first one
 * @param totalRoomCountEstimate how many rooms match the request in all pages
 */
public record PublicRoomsPage(List<PublicRoom> chunk, String nextBatch, String prevBatch,
    long totalRoomCountEstimate) {
  public PublicRoomsPage {
    chunk = List.copyOf(chunk);
  }

  /** The response body. */
  public ObjectNode toJson() {
    ObjectNode out = JsonMapper.shared().createObjectNode();
    ArrayNode rooms = out.putArray("chunk");
    chunk.forEach(room -> rooms.add(room.toJson()));
    if (nextBatch != null) {
      out.put("next_batch", nextBatch);
    }
    if (prevBatch != null) {
      out.put("prev_batch", prevBatch);
    }
    out.put("total_room_count_estimate", totalRoomCountEstimate);
    return out;
  }

  /** A page as another server sent it; malformed entries are left out. */
  public static PublicRoomsPage fromJson(JsonNode json) {
    List<PublicRoom> rooms = new ArrayList<>();
    for (JsonNode entry : json.path("chunk")) {
      PublicRoom room = PublicRoom.fromJson(entry);
      if (room != null) {
        rooms.add(room);
      }
    }
    return new PublicRoomsPage(rooms, json.path("next_batch").textValue(), json.path("prev_batch").textValue(),
        json.path("total_room_count_estimate").asLong(rooms.size()));
  }
}
