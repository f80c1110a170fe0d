package dev.larch.core.federation.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.directory.DirectoryUser;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.json.ReceivedJson;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class NeighbourProfilesTest {
  private static final String PEER_A = "a".repeat(64);
  private static final String PEER_B = "b".repeat(64);
  private static final String PEER_DOWN = "c".repeat(64);
  private final List<ObjectNode> asked = new CopyOnWriteArrayList<>();

  private final FederationClient client = (destination, method, path, body) -> {
    assertEquals("GET", method);
    assertEquals("/_matrix/p2p/profiles", path);
    asked.add(body);
    if (destination.equals(PEER_DOWN)) {
      throw RemoteServerException.unreachable(destination, "gone", null);
    }
    String profiles = destination.equals(PEER_A)
        ? "{\"Profiles\":[{\"local_part\":\"alice\",\"display_name\":\"Alice\",\"avatar_url\":\"\"},"
            + "{\"local_part\":\"\",\"display_name\":\"nobody\"}]}"
        : "{\"Profiles\":[{\"local_part\":\"bob\",\"display_name\":\"\",\"avatar_url\":\"mxc://b/x\"}]}";
    return ReceivedJson.parseValue(profiles.getBytes(StandardCharsets.UTF_8));
  };

  @Test
  void asksEveryNeighbourAndKeepsWhatAnswered() {
    NeighbourProfiles profiles = new NeighbourProfiles(client, Runnable::run);
    assertEquals(List.of(), profiles.search("al", 10).toCompletableFuture().join(), "no neighbours, nobody");

    profiles.includeNeighbours(() -> List.of(PEER_A, PEER_B, PEER_DOWN));
    List<DirectoryUser> found = profiles.search("al", 10).toCompletableFuture().join().stream()
        .sorted(Comparator.comparing(DirectoryUser::userId)).toList();
    assertEquals(List.of(new DirectoryUser("@alice:" + PEER_A, "Alice", null),
        new DirectoryUser("@bob:" + PEER_B, null, "mxc://b/x")), found);
    assertEquals(3, asked.size());
    assertEquals("al", asked.get(0).get("SearchString").textValue());
    assertEquals(10, asked.get(0).get("Limit").intValue());
  }
}
