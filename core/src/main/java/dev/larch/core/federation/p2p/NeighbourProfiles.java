package dev.larch.core.federation.p2p;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.directory.DirectoryUser;
import dev.larch.core.directory.RemoteProfiles;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.id.UserId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user directory's view of the overlay neighbourhood: the profiles the directly connected peers show at
 * {@code /_matrix/p2p/profiles} (Dendrite's P2P user directory, design doc {@code p2p-federation.md} 5.4: a GET with
 * a JSON body {@code {"SearchString", "Limit"}}, answering {@code {"Profiles": [{local_part, display_name,
 * avatar_url}]}}). Peers are asked in parallel; one that fails or is slow is left out.
 */
public final class NeighbourProfiles implements RemoteProfiles {
  /** The path, served over the overlay only. */
  public static final String PATH = "/_matrix/p2p/profiles";
  static final long TIMEOUT_MS = 5_000;

  private static final Logger log = LoggerFactory.getLogger(NeighbourProfiles.class);

  private final FederationClient client;
  private final Executor blocking;
  private volatile Supplier<Collection<String>> neighbours = List::of;

  public NeighbourProfiles(FederationClient client, Executor blocking) {
    this.client = client;
    this.blocking = blocking;
  }

  /** Which servers to ask: the direct overlay peers (none until set). */
  public void includeNeighbours(Supplier<Collection<String>> neighbours) {
    this.neighbours = Objects.requireNonNull(neighbours, "neighbours");
  }

  @Override
  public CompletionStage<List<DirectoryUser>> search(String term, int limit) {
    List<CompletableFuture<List<DirectoryUser>>> answers = new ArrayList<>();
    for (String peer : neighbours.get()) {
      answers.add(CompletableFuture.supplyAsync(() -> ask(peer, term, limit), blocking)
          .completeOnTimeout(List.of(), TIMEOUT_MS, TimeUnit.MILLISECONDS)
          .exceptionally(e -> List.of()));
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(done -> {
      List<DirectoryUser> all = new ArrayList<>();
      answers.forEach(answer -> all.addAll(answer.join()));
      return all;
    });
  }

  private List<DirectoryUser> ask(String peer, String term, int limit) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("SearchString", term);
    body.put("Limit", limit);
    JsonNode answer;
    try {
      answer = client.request(peer, "GET", PATH, body);
    } catch (RemoteServerException e) {
      log.debug("p2p profile search failed peer={} reason={}", peer, e.getMessage());
      return List.of();
    }
    List<DirectoryUser> users = new ArrayList<>();
    for (JsonNode profile : answer.path("Profiles")) {
      String localpart = profile.path("local_part").asText("");
      String userId = "@" + localpart + ":" + peer;
      if (localpart.isEmpty() || !UserId.isValid(userId)) {
        continue;
      }
      users.add(new DirectoryUser(userId, text(profile.get("display_name")), text(profile.get("avatar_url"))));
      if (users.size() >= limit) {
        break;
      }
    }
    return users;
  }

  private static String text(JsonNode node) {
    return node != null && node.isTextual() && !node.textValue().isEmpty() ? node.textValue() : null;
  }
}
