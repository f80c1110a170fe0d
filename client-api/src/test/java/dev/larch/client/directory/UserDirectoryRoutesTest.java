package dev.larch.client.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.client.WiredClientApi.Session;
import dev.larch.client.WiredClientApiTest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /user_directory/search} over HTTP, on both databases. */
class UserDirectoryRoutesTest extends WiredClientApiTest {
  private Session alice;
  private Session bob;
  private Session carol;
  private Session dave;

  @BeforeEach
  void logIn() throws Exception {
    alice = api.login("alice", "ALICE1");
    bob = api.login("bob", "BOB1");
    carol = api.login("carol", "CAROL1");
    dave = api.login("dave", "DAVE1");
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private JsonNode search(Session who, String body) throws Exception {
    return api.post("/user_directory/search", body, who.token()).ok();
  }

  private static List<String> ids(JsonNode result) {
    List<String> out = new ArrayList<>();
    result.path("results").forEach(r -> out.add(r.path("user_id").asText()));
    return out;
  }

  @Test
  void finds_users_in_shared_and_public_rooms_by_localpart_or_display_name() throws Exception {
    api.put("/profile/" + enc(bob.userId()) + "/displayname", "{\"displayname\":\"Romeo Montague\"}", bob.token())
        .ok();
    api.put("/profile/" + enc(carol.userId()) + "/displayname", "{\"displayname\":\"Nurse\"}", carol.token()).ok();
    api.put("/profile/" + enc(carol.userId()) + "/avatar_url", "{\"avatar_url\":\"mxc://larch.test/n\"}",
        carol.token()).ok();
    api.roomWith(alice, bob); // a private room alice shares with bob
    // carol is alone in a room anyone may join (not published); dave alone in a private one.
    api.post("/createRoom", "{\"preset\":\"public_chat\"}", carol.token()).ok();
    api.post("/createRoom", "{}", dave.token()).ok();

    JsonNode romeo = search(alice, "{\"search_term\":\"romeo\"}");
    assertEquals(List.of(bob.userId()), ids(romeo), romeo.toString());
    assertEquals("Romeo Montague", romeo.path("results").get(0).path("display_name").asText());
    assertFalse(romeo.path("limited").asBoolean());
    assertEquals(List.of(bob.userId()), ids(search(alice, "{\"search_term\":\"MONTAG\"}")));
    assertEquals(List.of(bob.userId()), ids(search(alice, "{\"search_term\":\"bo\"}")));
    JsonNode nurse = search(alice, "{\"search_term\":\"car\"}");
    assertEquals(List.of(carol.userId()), ids(nurse), "users of publicly joinable rooms are found");
    assertEquals("Nurse", nurse.path("results").get(0).path("display_name").asText());
    assertEquals("mxc://larch.test/n", nurse.path("results").get(0).path("avatar_url").asText());
    assertTrue(ids(search(alice, "{\"search_term\":\"dave\"}")).isEmpty(), "nobody shares a room with dave");
    assertTrue(ids(search(alice, "{\"search_term\":\"alice\"}")).isEmpty(), "the requester is left out");
    // dave shares nothing but still sees carol (public room) and not bob.
    assertEquals(List.of(carol.userId()), ids(search(dave, "{\"search_term\":\"\"}")));

    // Once dave's room is published, alice finds him too.
    api.post("/createRoom", "{\"visibility\":\"public\"}", dave.token()).ok();
    assertEquals(List.of(dave.userId()), ids(search(alice, "{\"search_term\":\"dav\"}")));
  }

  @Test
  void limit_and_ranking() throws Exception {
    api.put("/profile/" + enc(bob.userId()) + "/displayname", "{\"displayname\":\"Friar Laurence\"}", bob.token())
        .ok();
    api.put("/profile/" + enc(carol.userId()) + "/displayname", "{\"displayname\":\"Lady Capulet\"}", carol.token())
        .ok();
    api.roomWith(alice, bob, carol, dave);
    // "la": a word of bob's and carol's names starts with it; dave has neither.
    JsonNode all = search(alice, "{\"search_term\":\"la\"}");
    assertEquals(List.of(bob.userId(), carol.userId()), ids(all));
    // "a": every other localpart or name contains it, none starts with it: names first, then dave.
    JsonNode limited = search(alice, "{\"search_term\":\"a\",\"limit\":2}");
    assertEquals(2, limited.path("results").size());
    assertTrue(limited.path("limited").asBoolean());
    assertFalse(search(alice, "{\"search_term\":\"a\",\"limit\":3}").path("limited").asBoolean());
  }

  @Test
  void bad_input() throws Exception {
    api.post("/user_directory/search", "{}", alice.token()).assertError(400, "M_MISSING_PARAM");
    api.post("/user_directory/search", "{\"search_term\":5}", alice.token()).assertError(400, "M_BAD_JSON");
    api.post("/user_directory/search", "{\"search_term\":\"x\",\"limit\":\"5\"}", alice.token())
        .assertError(400, "M_BAD_JSON");
    api.post("/user_directory/search", "{\"search_term\":\"x\",\"limit\":-1}", alice.token())
        .assertError(400, "M_INVALID_PARAM");
    api.post("/user_directory/search", "nope", alice.token()).assertError(400, "M_NOT_JSON");
    api.post("/user_directory/search", "{\"search_term\":\"x\"}", null).assertError(401, "M_MISSING_TOKEN");
  }
}
