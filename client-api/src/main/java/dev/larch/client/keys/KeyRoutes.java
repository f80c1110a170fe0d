package dev.larch.client.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.client.http.AuthedRequest;
import dev.larch.client.http.ClientPaths;
import dev.larch.client.http.Endpoints;
import dev.larch.core.error.MatrixException;
import dev.larch.core.keys.CrossSigningService;
import dev.larch.core.keys.KeyService;
import dev.larch.core.sync.SyncToken;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Device keys, one-time keys, cross-signing keys and signatures.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#end-to-end-encryption">client-server API
 * v1.11, "End-to-End Encryption"</a> and <a href="https://spec.matrix.org/v1.11/client-server-api/#cross-signing">
 * "Cross-signing"</a>.
 */
public final class KeyRoutes {
  private final KeyService keys;
  private final CrossSigningService crossSigning;

  public KeyRoutes(KeyService keys, CrossSigningService crossSigning) {
    this.keys = keys;
    this.crossSigning = crossSigning;
  }

  /** Adds the routes below to {@code router}. */
  public void mount(Router router, Endpoints endpoints) {
    // POST /_matrix/client/v3/keys/upload
    ClientPaths.route(router, HttpMethod.POST, "/keys/upload", endpoints.authed(this::upload));
    // POST /_matrix/client/v3/keys/query
    ClientPaths.route(router, HttpMethod.POST, "/keys/query", endpoints.authed(this::query));
    // POST /_matrix/client/v3/keys/claim
    ClientPaths.route(router, HttpMethod.POST, "/keys/claim", endpoints.authed(this::claim));
    // GET /_matrix/client/v3/keys/changes
    ClientPaths.route(router, HttpMethod.GET, "/keys/changes", endpoints.authed(this::changes));
    // POST /_matrix/client/v3/keys/device_signing/upload
    ClientPaths.route(router, HttpMethod.POST, "/keys/device_signing/upload", endpoints.authed(this::signingKeys));
    // POST /_matrix/client/v3/keys/signatures/upload
    ClientPaths.route(router, HttpMethod.POST, "/keys/signatures/upload", endpoints.authed(this::signatures));
  }

  private Object upload(AuthedRequest req) {
    ObjectNode body = req.json();
    JsonNode deviceKeys = body.get("device_keys");
    if (deviceKeys != null && !deviceKeys.isNull() && !deviceKeys.isObject()) {
      throw MatrixException.badJson("device_keys must be an object");
    }
    Map<String, Integer> counts = keys.upload(req.requester(),
        deviceKeys instanceof ObjectNode object ? object : null, body.get("one_time_keys"),
        body.get("fallback_keys"));
    return Map.of("one_time_key_counts", counts);
  }

  private Object query(AuthedRequest req) {
    JsonNode deviceKeys = req.json().get("device_keys");
    if (deviceKeys == null || !deviceKeys.isObject()) {
      throw MatrixException.badJson("device_keys must be an object");
    }
    Map<String, List<String>> query = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> user : deviceKeys.properties()) {
      if (!user.getValue().isArray()) {
        throw MatrixException.badJson("device_keys." + user.getKey() + " must be a list of device IDs");
      }
      List<String> devices = new ArrayList<>();
      for (JsonNode device : user.getValue()) {
        if (!device.isTextual()) {
          throw MatrixException.badJson("device_keys." + user.getKey() + " must be a list of device IDs");
        }
        devices.add(device.textValue());
      }
      query.put(user.getKey(), devices);
    }
    return keys.query(req.requester(), query);
  }

  private Object claim(AuthedRequest req) {
    JsonNode oneTimeKeys = req.json().get("one_time_keys");
    if (oneTimeKeys == null || !oneTimeKeys.isObject()) {
      throw MatrixException.badJson("one_time_keys must be an object");
    }
    Map<String, Map<String, String>> query = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> user : oneTimeKeys.properties()) {
      if (!user.getValue().isObject()) {
        throw MatrixException.badJson("one_time_keys." + user.getKey() + " must be an object");
      }
      Map<String, String> devices = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> device : user.getValue().properties()) {
        if (!device.getValue().isTextual()) {
          throw MatrixException.badJson("one_time_keys." + user.getKey() + " must map devices to algorithms");
        }
        devices.put(device.getKey(), device.getValue().textValue());
      }
      query.put(user.getKey(), devices);
    }
    return keys.claim(query);
  }

  private Object changes(AuthedRequest req) {
    SyncToken from = SyncToken.parse(req.query("from")
        .orElseThrow(() -> MatrixException.missingParam("from is required")));
    SyncToken to = SyncToken.parse(req.query("to")
        .orElseThrow(() -> MatrixException.missingParam("to is required")));
    KeyService.DeviceListChanges changes = keys.changes(req.userId(), from, to);
    return Map.of("changed", changes.changed(), "left", changes.left());
  }

  private Object signingKeys(AuthedRequest req) {
    crossSigning.uploadKeys(req.requester(), req.json());
    return Map.of();
  }

  private Object signatures(AuthedRequest req) {
    return Map.of("failures", crossSigning.uploadSignatures(req.requester(), req.json()));
  }
}
