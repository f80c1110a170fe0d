package dev.larch.client.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.client.WiredClientApi;
import dev.larch.client.WiredClientApi.Session;
import dev.larch.client.WiredClientApiTest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /directory/list/room/{roomId}} and {@code /publicRooms} over HTTP, on both databases. */
class RoomDirectoryRoutesTest extends WiredClientApiTest {
  private Session alice;
  private Session bob;

  @BeforeEach
  void logIn() throws Exception {
    alice = api.login("alice", "ALICE1");
    bob = api.login("bob", "BOB1");
  }

  private String createRoom(Session creator, String body) throws Exception {
    return api.post("/createRoom", body, creator.token()).ok().get("room_id").asText();
  }

  private void join(Session who, String roomId) throws Exception {
    api.post("/join/" + enc(roomId), "{}", who.token()).ok();
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static List<String> roomIds(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.path("chunk").forEach(r -> out.add(r.path("room_id").asText()));
    return out;
  }

  @Test
  void createRoom_public_publishes_with_its_summary() throws Exception {
    String roomId = createRoom(alice, "{\"visibility\":\"public\",\"name\":\"Verona\",\"topic\":\"fair Verona\","
        + "\"room_alias_name\":\"verona\"}");
    String hidden = createRoom(alice, "{\"preset\":\"public_chat\",\"name\":\"Unlisted\"}");
    assertEquals("public", api.get("/directory/list/room/" + enc(roomId), null).ok().get("visibility").asText());
    assertEquals("private", api.get("/directory/list/room/" + enc(hidden), null).ok().get("visibility").asText());

    JsonNode page = api.get("/publicRooms", null).ok();
    assertEquals(List.of(roomId), roomIds(page), page.toString());
    JsonNode entry = page.path("chunk").get(0);
    assertEquals("Verona", entry.path("name").asText());
    assertEquals("fair Verona", entry.path("topic").asText());
    assertEquals("#verona:" + WiredClientApi.SERVER, entry.path("canonical_alias").asText());
    assertEquals(1, entry.path("num_joined_members").asInt());
    assertEquals("public", entry.path("join_rule").asText());
    assertFalse(entry.path("world_readable").asBoolean());
    assertFalse(entry.path("guest_can_join").asBoolean());
    assertFalse(entry.has("room_type"));
    assertFalse(entry.has("avatar_url"));
    assertEquals(1, page.path("total_room_count_estimate").asInt());
    assertFalse(page.has("next_batch"));
    assertFalse(page.has("prev_batch"));

    // The summary follows the room's state.
    api.put("/rooms/" + enc(roomId) + "/state/m.room.history_visibility", "{\"history_visibility\":\"world_readable\"}",
        alice.token()).ok();
    api.put("/rooms/" + enc(roomId) + "/state/m.room.guest_access", "{\"guest_access\":\"can_join\"}",
        alice.token()).ok();
    api.put("/rooms/" + enc(roomId) + "/state/m.room.avatar", "{\"url\":\"mxc://larch.test/abc\"}", alice.token())
        .ok();
    join(bob, roomId);
    entry = api.get("/publicRooms", null).ok().path("chunk").get(0);
    assertTrue(entry.path("world_readable").asBoolean(), entry.toString());
    assertTrue(entry.path("guest_can_join").asBoolean(), entry.toString());
    assertEquals("mxc://larch.test/abc", entry.path("avatar_url").asText());
    assertEquals(2, entry.path("num_joined_members").asInt());
  }

  @Test
  void visibility_is_changed_only_by_a_member_with_power() throws Exception {
    String roomId = createRoom(alice, "{\"preset\":\"public_chat\"}");
    String path = "/directory/list/room/" + enc(roomId);
    api.put(path, "{\"visibility\":\"public\"}", bob.token()).assertError(403, "M_FORBIDDEN");
    join(bob, roomId);
    api.put(path, "{\"visibility\":\"public\"}", bob.token()).assertError(403, "M_FORBIDDEN");
    api.put(path, "{}", alice.token()).ok(); // the spec's default is public
    assertEquals("public", api.get(path, null).ok().get("visibility").asText());
    assertEquals(List.of(roomId), roomIds(api.get("/publicRooms", null).ok()));
    api.put(path, "{\"visibility\":\"private\"}", alice.token()).ok();
    assertEquals("private", api.get(path, null).ok().get("visibility").asText());
    assertTrue(roomIds(api.get("/publicRooms", null).ok()).isEmpty());
    // Raised to the canonical_alias level, bob may publish.
    api.put("/rooms/" + enc(roomId) + "/state/m.room.power_levels",
        "{\"users\":{\"" + alice.userId() + "\":100,\"" + bob.userId() + "\":50},\"events\":{}}", alice.token()).ok();
    api.put(path, "{\"visibility\":\"public\"}", bob.token()).ok();
    assertEquals("public", api.get(path, null).ok().get("visibility").asText());
  }

  @Test
  void visibility_bad_input() throws Exception {
    String roomId = createRoom(alice, "{}");
    String path = "/directory/list/room/" + enc(roomId);
    api.get("/directory/list/room/" + enc("!nope:larch.test"), null).assertError(404, "M_NOT_FOUND");
    api.get("/directory/list/room/not-a-room", null).assertError(400, "M_INVALID_PARAM");
    api.put("/directory/list/room/" + enc("!nope:larch.test"), "{\"visibility\":\"public\"}", alice.token())
        .assertError(404, "M_NOT_FOUND");
    api.put(path, "{\"visibility\":\"listed\"}", alice.token()).assertError(400, "M_INVALID_PARAM");
    api.put(path, "{\"visibility\":5}", alice.token()).assertError(400, "M_BAD_JSON");
    api.put(path, "not json", alice.token()).assertError(400, "M_NOT_JSON");
    api.put(path, "{\"visibility\":\"public\"}", null).assertError(401, "M_MISSING_TOKEN");
    assertEquals("private", api.get(path, null).ok().get("visibility").asText());
  }

  @Test
  void publicRooms_order_pagination_and_filters() throws Exception {
    // Three published rooms: two members in the first, one in the others; one is a space.
    String big = createRoom(alice, "{\"visibility\":\"public\",\"name\":\"Capulet Hall\"}");
    join(bob, big);
    String space = createRoom(alice, "{\"visibility\":\"public\",\"name\":\"Montague\","
        + "\"creation_content\":{\"type\":\"m.space\"}}");
    String small = createRoom(bob, "{\"visibility\":\"public\",\"topic\":\"an orchard wall\"}");
    List<String> small2 = new ArrayList<>(List.of(space, small));
    small2.sort(String::compareTo);
    List<String> expected = new ArrayList<>(List.of(big));
    expected.addAll(small2);
    assertEquals(expected, roomIds(api.get("/publicRooms", null).ok()));

    // Pages of one, forwards with next_batch, then back with prev_batch.
    List<String> seen = new ArrayList<>();
    List<String> prevTokens = new ArrayList<>();
    String since = null;
    for (int i = 0; i < 5; i++) {
      JsonNode page = api.get("/publicRooms?limit=1" + (since == null ? "" : "&since=" + enc(since)), null).ok();
      assertEquals(3, page.path("total_room_count_estimate").asInt());
      seen.addAll(roomIds(page));
      assertEquals(i > 0, page.has("prev_batch"), page.toString());
      prevTokens.add(page.path("prev_batch").asText(null));
      since = page.path("next_batch").asText(null);
      if (since == null) {
        break;
      }
    }
    assertEquals(expected, seen);
    JsonNode back = api.get("/publicRooms?limit=1&since=" + enc(prevTokens.get(2)), null).ok();
    assertEquals(List.of(expected.get(1)), roomIds(back));
    JsonNode back2 = api.post("/publicRooms", "{\"limit\":5,\"since\":\"" + back.path("prev_batch").asText() + "\"}",
        alice.token()).ok();
    assertEquals(List.of(big), roomIds(back2));
    assertFalse(back2.has("prev_batch"));

    // POST with a filter: search term over name/topic (case-insensitive), room types with null for plain rooms.
    assertEquals(List.of(big), roomIds(api.post("/publicRooms",
        "{\"filter\":{\"generic_search_term\":\"capulet\"}}", alice.token()).ok()));
    assertEquals(List.of(small), roomIds(api.post("/publicRooms",
        "{\"filter\":{\"generic_search_term\":\"ORCHARD\"}}", alice.token()).ok()));
    assertEquals(List.of(space), roomIds(api.post("/publicRooms",
        "{\"filter\":{\"generic_search_term\":\"" + space.substring(1, 6) + "\"}}", alice.token()).ok()));
    assertEquals(List.of(space), roomIds(api.post("/publicRooms",
        "{\"filter\":{\"room_types\":[\"m.space\"]}}", alice.token()).ok()));
    JsonNode plain = api.post("/publicRooms", "{\"filter\":{\"room_types\":[null]}}", alice.token()).ok();
    assertEquals(List.of(big, small), roomIds(plain));
    assertEquals(2, plain.path("total_room_count_estimate").asInt());
    JsonNode both = api.post("/publicRooms", "{\"filter\":{\"room_types\":[null,\"m.space\"]}}", alice.token())
        .ok();
    assertEquals(expected, roomIds(both));
    assertEquals("m.space", both.path("chunk").get(expected.indexOf(space)).path("room_type").asText(),
        "typed rooms carry room_type");
    assertTrue(roomIds(api.post("/publicRooms", "{\"filter\":{\"generic_search_term\":\"tybalt\"}}",
        alice.token()).ok()).isEmpty());
    // This server by name is the local list.
    assertEquals(expected, roomIds(api.get("/publicRooms?server=" + WiredClientApi.SERVER, null).ok()));
  }

  @Test
  void publicRooms_bad_input() throws Exception {
    api.get("/publicRooms?limit=ten", null).assertError(400, "M_INVALID_PARAM");
    api.get("/publicRooms?limit=-1", null).assertError(400, "M_INVALID_PARAM");
    api.get("/publicRooms?since=garbage", null).assertError(400, "M_INVALID_PARAM");
    api.post("/publicRooms", "{\"limit\":\"5\"}", alice.token()).assertError(400, "M_BAD_JSON");
    api.post("/publicRooms", "{\"filter\":[]}", alice.token()).assertError(400, "M_BAD_JSON");
    api.post("/publicRooms", "{\"filter\":{\"generic_search_term\":7}}", alice.token()).assertError(400, "M_BAD_JSON");
    api.post("/publicRooms", "{\"filter\":{\"room_types\":[1]}}", alice.token()).assertError(400, "M_BAD_JSON");
    api.post("/publicRooms", "{\"filter\":{\"room_types\":\"m.space\"}}", alice.token())
        .assertError(400, "M_BAD_JSON");
    api.post("/publicRooms", "{\"since\":\"bm9wZQ\"}", alice.token()).assertError(400, "M_INVALID_PARAM");
    api.post("/publicRooms", "{}", null).assertError(401, "M_MISSING_TOKEN");
    api.post("/publicRooms", "not json", alice.token()).assertError(400, "M_NOT_JSON");
    // Other servers' lists need federation: unreachable for now.
    api.get("/publicRooms?server=elsewhere.example", null).assertError(502, "M_UNKNOWN");
    api.post("/publicRooms?server=elsewhere.example", "{}", alice.token()).assertError(502, "M_UNKNOWN");
    api.get("/publicRooms?server=" + enc("not a server!"), null).assertError(400, "M_INVALID_PARAM");
  }
}
