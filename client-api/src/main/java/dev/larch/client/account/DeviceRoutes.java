package dev.larch.client.account;

import dev.larch.client.http.AuthedRequest;
import dev.larch.client.http.ClientPaths;
import dev.larch.client.http.Endpoints;
import dev.larch.core.error.MatrixException;
import dev.larch.core.user.AccountService;
import dev.larch.core.user.UiaSubmission;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Map;

/**
 * The requesting user's devices: list, get, rename, and delete (with user-interactive auth).
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#device-management">client-server API v1.11,
 * "Device management"</a>.
 */
public final class DeviceRoutes {
  private final AccountService accounts;

  public DeviceRoutes(AccountService accounts) {
    this.accounts = accounts;
  }

  /** Adds the routes below to {@code router}. */
  public void mount(Router router, Endpoints endpoints) {
    // GET /_matrix/client/v3/devices
    ClientPaths.route(router, HttpMethod.GET, "/devices", endpoints.authed(this::list));
    // GET /_matrix/client/v3/devices/{deviceId}
    ClientPaths.route(router, HttpMethod.GET, "/devices/:deviceId", endpoints.authed(this::get));
    // PUT /_matrix/client/v3/devices/{deviceId}
    ClientPaths.route(router, HttpMethod.PUT, "/devices/:deviceId", endpoints.authed(this::rename));
    // DELETE /_matrix/client/v3/devices/{deviceId}
    ClientPaths.route(router, HttpMethod.DELETE, "/devices/:deviceId", endpoints.authed(this::delete));
    // POST /_matrix/client/v3/delete_devices
    ClientPaths.route(router, HttpMethod.POST, "/delete_devices", endpoints.authed(this::deleteMany));
  }

  private Object list(AuthedRequest req) {
    return Map.of("devices", accounts.devices(req.requester()).stream().map(DeviceResponse::of).toList());
  }

  private Object get(AuthedRequest req) {
    return DeviceResponse.of(accounts.device(req.requester(), req.path("deviceId")));
  }

  private Object rename(AuthedRequest req) {
    DeviceUpdateRequest body = req.body(DeviceUpdateRequest.class);
    String deviceId = req.path("deviceId");
    if (body.displayName() == null) {
      accounts.device(req.requester(), deviceId); // nothing to change, but an unknown device is still 404
    } else {
      accounts.renameDevice(req.requester(), deviceId, body.displayName());
    }
    return Map.of();
  }

  private Object delete(AuthedRequest req) {
    String deviceId = req.path("deviceId");
    // The device ID is in the path, not the body, so it goes into the UIA operation the session is bound to.
    accounts.deleteDevices(req.requester(), List.of(deviceId), "delete_device " + deviceId,
        UiaSubmission.of(req.jsonOrEmpty()));
    return Map.of();
  }

  private Object deleteMany(AuthedRequest req) {
    var json = req.json();
    DeleteDevicesRequest body = req.body(DeleteDevicesRequest.class, json);
    if (body.devices() == null) {
      throw MatrixException.missingParam("devices is required");
    }
    if (body.devices().stream().anyMatch(java.util.Objects::isNull)) {
      throw MatrixException.badJson("devices must be a list of strings");
    }
    accounts.deleteDevices(req.requester(), body.devices(), "delete_devices", UiaSubmission.of(json));
    return Map.of();
  }
}
