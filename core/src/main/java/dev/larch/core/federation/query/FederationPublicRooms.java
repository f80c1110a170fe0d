package dev.larch.core.federation.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.directory.PublicRoomsPage;
import dev.larch.core.directory.PublicRoomsQuery;
import dev.larch.core.directory.RemotePublicRooms;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RemotePublicRooms} over federation: {@code POST /_matrix/federation/v1/publicRooms} with the client's
 * filter, as Dendrite's P2P nodes ask their peers. A server that cannot be asked is 502 {@code M_UNKNOWN}
 * ({@link RemotePublicRooms#unreachable}).
 *
 * <p>Spec: server-server API v1.11, "Public Room Directory".
 */
public final class FederationPublicRooms implements RemotePublicRooms {
  private static final Logger log = LoggerFactory.getLogger(FederationPublicRooms.class);

  private final FederationClient client;
  private final Executor blocking;

  /** @param blocking where the (blocking) federation request runs */
  public FederationPublicRooms(FederationClient client, Executor blocking) {
    this.client = client;
    this.blocking = blocking;
  }

  @Override
  public CompletionStage<PublicRoomsPage> fetch(String server, PublicRoomsQuery query) {
    return CompletableFuture.supplyAsync(() -> {
      JsonNode answer;
      try {
        answer = client.request(server, "POST", "/_matrix/federation/v1/publicRooms", query.toJson());
      } catch (RemoteServerException e) {
        log.info("public rooms request failed server={} kind={} message={}", server, e.kind(), e.getMessage());
        throw RemotePublicRooms.unreachable(server);
      }
      return PublicRoomsPage.fromJson(answer);
    }, blocking);
  }
}
