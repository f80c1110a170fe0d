package dev.larch.client.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.client.http.AuthedRequest;
import dev.larch.client.http.ClientPaths;
import dev.larch.client.http.Endpoints;
import dev.larch.core.backup.BackupCounts;
import dev.larch.core.backup.BackupVersion;
import dev.larch.core.backup.KeyBackupService;
import dev.larch.core.error.MatrixException;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Server-side key backups: versions and the room keys in them.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#server-side-key-backups">client-server API
 * v1.11, "Server-side key backups"</a>.
 */
public final class KeyBackupRoutes {
  private final KeyBackupService backup;

  public KeyBackupRoutes(KeyBackupService backup) {
    this.backup = backup;
  }

  /** Adds the routes below to {@code router}. */
  public void mount(Router router, Endpoints endpoints) {
    // POST /_matrix/client/v3/room_keys/version
    ClientPaths.route(router, HttpMethod.POST, "/room_keys/version", endpoints.authed(this::create));
    // GET /_matrix/client/v3/room_keys/version
    ClientPaths.route(router, HttpMethod.GET, "/room_keys/version", endpoints.authed(this::current));
    // GET /_matrix/client/v3/room_keys/version/{version}
    ClientPaths.route(router, HttpMethod.GET, "/room_keys/version/:version", endpoints.authed(this::version));
    // PUT /_matrix/client/v3/room_keys/version/{version}
    ClientPaths.route(router, HttpMethod.PUT, "/room_keys/version/:version", endpoints.authed(this::update));
    // DELETE /_matrix/client/v3/room_keys/version/{version}
    ClientPaths.route(router, HttpMethod.DELETE, "/room_keys/version/:version", endpoints.authed(this::delete));
    // PUT, GET, DELETE /_matrix/client/v3/room_keys/keys
    ClientPaths.route(router, HttpMethod.PUT, "/room_keys/keys", endpoints.authed(this::putKeys));
    ClientPaths.route(router, HttpMethod.GET, "/room_keys/keys", endpoints.authed(this::getKeys));
    ClientPaths.route(router, HttpMethod.DELETE, "/room_keys/keys", endpoints.authed(this::deleteKeys));
    // PUT, GET, DELETE /_matrix/client/v3/room_keys/keys/{roomId}
    ClientPaths.route(router, HttpMethod.PUT, "/room_keys/keys/:roomId", endpoints.authed(this::putKeys));
    ClientPaths.route(router, HttpMethod.GET, "/room_keys/keys/:roomId", endpoints.authed(this::getKeys));
    ClientPaths.route(router, HttpMethod.DELETE, "/room_keys/keys/:roomId", endpoints.authed(this::deleteKeys));
    // PUT, GET, DELETE /_matrix/client/v3/room_keys/keys/{roomId}/{sessionId}
    ClientPaths.route(router, HttpMethod.PUT, "/room_keys/keys/:roomId/:sessionId", endpoints.authed(this::putKeys));
    ClientPaths.route(router, HttpMethod.GET, "/room_keys/keys/:roomId/:sessionId", endpoints.authed(this::getKeys));
    ClientPaths.route(router, HttpMethod.DELETE, "/room_keys/keys/:roomId/:sessionId",
        endpoints.authed(this::deleteKeys));
  }

  private Object create(AuthedRequest req) {
    return Map.of("version", backup.create(req.userId(), req.json()));
  }

  private Object current(AuthedRequest req) {
    return versionJson(backup.current(req.userId()));
  }

  private Object version(AuthedRequest req) {
    return versionJson(backup.version(req.userId(), req.path("version")));
  }

  private Object update(AuthedRequest req) {
    backup.update(req.userId(), req.path("version"), req.json());
    return Map.of();
  }

  private Object delete(AuthedRequest req) {
    backup.delete(req.userId(), req.path("version"));
    return Map.of();
  }

  private Object putKeys(AuthedRequest req) {
    String roomId = pathOrNull(req, "roomId");
    String sessionId = pathOrNull(req, "sessionId");
    ObjectNode body = req.json();
    Map<String, Map<String, JsonNode>> keys = new LinkedHashMap<>();
    if (sessionId != null) {
      keys.put(roomId, Map.of(sessionId, body));
    } else if (roomId != null) {
      keys.put(roomId, sessions(body, "sessions"));
    } else {
      JsonNode rooms = body.get("rooms");
      if (rooms == null || !rooms.isObject()) {
        throw MatrixException.badJson("rooms must be an object");
      }
      rooms.properties().forEach(room -> {
        if (!room.getValue().isObject()) {
          throw MatrixException.badJson("rooms." + room.getKey() + " must be an object");
        }
        keys.put(room.getKey(), sessions(room.getValue(), "rooms." + room.getKey() + ".sessions"));
      });
    }
    return counts(backup.putKeys(req.userId(), versionParam(req), keys));
  }

  private Object getKeys(AuthedRequest req) {
    String roomId = pathOrNull(req, "roomId");
    String sessionId = pathOrNull(req, "sessionId");
    Map<String, Map<String, ObjectNode>> keys = backup.keys(req.userId(), versionParam(req), roomId, sessionId);
    if (sessionId != null) {
      return keys.get(roomId).get(sessionId);
    }
    if (roomId != null) {
      return Map.of("sessions", keys.getOrDefault(roomId, Map.of()));
    }
    Map<String, Object> rooms = new LinkedHashMap<>();
    keys.forEach((room, sessions) -> rooms.put(room, Map.of("sessions", sessions)));
    return Map.of("rooms", rooms);
  }

  private Object deleteKeys(AuthedRequest req) {
    return counts(backup.deleteKeys(req.userId(), versionParam(req), pathOrNull(req, "roomId"),
        pathOrNull(req, "sessionId")));
  }

  private static Map<String, JsonNode> sessions(JsonNode room, String field) {
    JsonNode sessions = room.get("sessions");
    if (sessions == null || !sessions.isObject()) {
      throw MatrixException.badJson(field + " must be an object");
    }
    Map<String, JsonNode> out = new LinkedHashMap<>();
    sessions.properties().forEach(session -> out.put(session.getKey(), session.getValue()));
    return out;
  }

  private static String versionParam(AuthedRequest req) {
    return req.query("version").orElseThrow(() -> MatrixException.missingParam("version is required"));
  }

  private static String pathOrNull(AuthedRequest req, String name) {
    try {
      return req.path(name);
    } catch (MatrixException e) {
      return null;
    }
  }

  private static Map<String, Object> counts(BackupCounts counts) {
    return Map.of("etag", counts.etag(), "count", counts.count());
  }

  private static Map<String, Object> versionJson(BackupVersion version) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("algorithm", version.algorithm());
    out.put("auth_data", version.authData());
    out.put("count", version.count());
    out.put("etag", version.etag());
    out.put("version", version.version());
    return out;
  }
}
