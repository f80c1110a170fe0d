package dev.larch.client;

import dev.larch.client.account.AccountRoutes;
import dev.larch.client.account.DeviceRoutes;
import dev.larch.client.accountdata.AccountDataRoutes;
import dev.larch.client.alias.AliasRoutes;
import dev.larch.client.backup.KeyBackupRoutes;
import dev.larch.client.directory.DirectoryRoutes;
import dev.larch.client.directory.UserDirectoryRoutes;
import dev.larch.client.discovery.DiscoveryRoutes;
import dev.larch.client.discovery.VersionsRoutes;
import dev.larch.client.filter.FilterRoutes;
import dev.larch.client.http.Cors;
import dev.larch.client.http.Endpoints;
import dev.larch.client.http.StreamEndpoints;
import dev.larch.client.keys.KeyRoutes;
import dev.larch.client.media.MediaRoutes;
import dev.larch.client.presence.PresenceRoutes;
import dev.larch.client.profile.ProfileRoutes;
import dev.larch.client.push.NotificationRoutes;
import dev.larch.client.push.PushRoutes;
import dev.larch.client.receipt.ReceiptRoutes;
import dev.larch.client.room.MembershipRoutes;
import dev.larch.client.room.RoomReadRoutes;
import dev.larch.client.room.RoomRoutes;
import dev.larch.client.sync.SyncRoutes;
import dev.larch.client.thirdparty.ThirdPartyRoutes;
import dev.larch.client.todevice.ToDeviceRoutes;
import dev.larch.client.typing.TypingRoutes;
import dev.larch.client.voip.VoipRoutes;
import dev.larch.http.MatrixErrorHandler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The client-server API as one Vert.x router: CORS first, then the body limit, then every spec area's routes, then
 * the one place that turns failures into Matrix error responses.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/">client-server API v1.11</a>. The whole API
 * surface is the list of {@code mount} calls in {@link #router}, so it can be read in one place. Endpoints run on a
 * named worker pool ({@value #WORKER_POOL}) sized to the database pool.
 */
public final class ClientApi {
  /** The name of the worker pool endpoints run on. */
  public static final String WORKER_POOL = "larch-client";

  private final ClientServices services;

  /** The API over {@code services}. */
  public ClientApi(ClientServices services) {
    this.services = services;
  }

  /** A new router serving the client API, including 404/405 as {@code M_UNRECOGNIZED}. */
  public Router router(Vertx vertx) {
    ClientSettings settings = services.settings();
    Router router = Router.router(vertx);
    // Registered first so that every response, errors and unknown paths included, carries the CORS headers.
    router.route().handler(new Cors());
    WorkerExecutor workers = vertx.createSharedWorkerExecutor(WORKER_POOL, settings.workerPoolSize());
    Endpoints endpoints = new Endpoints(workers, services.accounts());
    StreamEndpoints streams = new StreamEndpoints(workers, services.accounts());
    MediaRoutes media = services.media() == null ? null : new MediaRoutes(services.media());
    if (media != null) {
      // Before the body handler: media uploads stream to disk under their own limit (media.max_upload_bytes).
      media.mountUploads(router, streams);
    }
    // No file uploads: bodies stay in memory, and anything over the limit is 413 M_TOO_LARGE before it is read.
    router.route("/_matrix/*").handler(BodyHandler.create(false).setBodyLimit(settings.maxBodyBytes()));

    new VersionsRoutes().mount(router);
    new DiscoveryRoutes(settings.publicBaseUrl()).mount(router, endpoints);
    new AccountRoutes(services.accounts(), settings.publicBaseUrl()).mount(router, endpoints);
    new DeviceRoutes(services.accounts()).mount(router, endpoints);
    new RoomRoutes(services.rooms()).mount(router, endpoints);
    new RoomReadRoutes(services.roomReads()).mount(router, endpoints);
    new MembershipRoutes(services.memberships()).mount(router, endpoints);
    new ProfileRoutes(services.profiles()).mount(router, endpoints);
    new AliasRoutes(services.aliases()).mount(router, endpoints);
    new VoipRoutes().mount(router, endpoints);
    new ThirdPartyRoutes().mount(router, endpoints);
    if (services.sync() != null) {
      new SyncRoutes(services.sync(), services.push()).mount(router, endpoints);
      new FilterRoutes(services.sync().filters()).mount(router, endpoints);
      new TypingRoutes(services.sync().typing()).mount(router, endpoints);
      new ReceiptRoutes(services.sync().receipts()).mount(router, endpoints);
      new AccountDataRoutes(services.sync().accountData()).mount(router, endpoints);
      new PresenceRoutes(services.sync().presence()).mount(router, endpoints);
    }
    if (services.e2ee() != null) {
      new KeyRoutes(services.e2ee().keys(), services.e2ee().crossSigning()).mount(router, endpoints);
      new ToDeviceRoutes(services.e2ee().toDevice()).mount(router, endpoints);
      new KeyBackupRoutes(services.e2ee().backup()).mount(router, endpoints);
    }
    if (services.push() != null) {
      new PushRoutes(services.push().rules(), services.push().pushers()).mount(router, endpoints);
      new NotificationRoutes(services.push().notifications()).mount(router, endpoints);
    }
    if (services.directory() != null) {
      new DirectoryRoutes(services.directory().rooms()).mount(router, endpoints);
      new UserDirectoryRoutes(services.directory().users()).mount(router, endpoints);
    }
    if (media != null) {
      media.mount(router, endpoints, streams);
    }

    MatrixErrorHandler.install(router);
    return router;
  }
}
