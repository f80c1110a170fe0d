package dev.larch.client.media;

import dev.larch.client.http.AuthedRequest;
import dev.larch.client.http.ClientRequest;
import dev.larch.client.http.Endpoints;
import dev.larch.client.http.FileReply;
import dev.larch.client.http.StreamEndpoints;
import dev.larch.client.http.UploadEndpoint;
import dev.larch.core.error.MatrixException;
import dev.larch.core.media.MediaContent;
import dev.larch.core.media.MediaService;
import dev.larch.core.media.MediaSettings;
import dev.larch.core.media.ThumbnailSize;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The content repository: uploads, downloads, thumbnails, the upload limit and (empty) URL previews.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#content-repository">client-server API v1.11,
 * "Content repository"</a>. Downloads and thumbnails are served on the authenticated {@code /_matrix/client/v1/media}
 * paths and, without authentication, on the deprecated {@code /_matrix/media/v3} (and {@code r0}) ones; the
 * legacy {@code config} and {@code preview_url} still need a token, as the spec says.
 */
public final class MediaRoutes {
  private static final String AUTHED = "/_matrix/client/v1/media";
  private static final String[] LEGACY = {"/_matrix/media/v3", "/_matrix/media/r0"};

  private final MediaService media;

  public MediaRoutes(MediaService media) {
    this.media = media;
  }

  /** The upload routes, which read raw bodies: mount these before the router's {@code BodyHandler}. */
  public void mountUploads(Router router, StreamEndpoints streams) {
    for (String prefix : LEGACY) {
      // POST /_matrix/media/v3/upload
      router.route(HttpMethod.POST, prefix + "/upload")
          .handler(streams.authedUpload(media.maxUploadBytes(), new Upload()));
      // PUT /_matrix/media/v3/upload/{serverName}/{mediaId}
      router.route(HttpMethod.PUT, prefix + "/upload/:serverName/:mediaId")
          .handler(streams.authedUpload(media.maxUploadBytes(), new UploadToCreated()));
    }
  }

  /** Every other route. */
  public void mount(Router router, Endpoints endpoints, StreamEndpoints streams) {
    // POST /_matrix/media/v1/create
    router.route(HttpMethod.POST, "/_matrix/media/v1/create").handler(endpoints.authed(this::create));

    // GET /_matrix/client/v1/media/config
    router.route(HttpMethod.GET, AUTHED + "/config").handler(endpoints.authed(this::config));
    // GET /_matrix/client/v1/media/preview_url
    router.route(HttpMethod.GET, AUTHED + "/preview_url").handler(endpoints.authed(this::previewUrl));
    // GET /_matrix/client/v1/media/download/{serverName}/{mediaId}
    router.route(HttpMethod.GET, AUTHED + "/download/:serverName/:mediaId").handler(streams.authedFile(this::download));
    // GET /_matrix/client/v1/media/download/{serverName}/{mediaId}/{fileName}
    router.route(HttpMethod.GET, AUTHED + "/download/:serverName/:mediaId/:fileName")
        .handler(streams.authedFile(this::downloadNamed));
    // GET /_matrix/client/v1/media/thumbnail/{serverName}/{mediaId}
    router.route(HttpMethod.GET, AUTHED + "/thumbnail/:serverName/:mediaId")
        .handler(streams.authedFile(this::thumbnail));

    for (String prefix : LEGACY) {
      // GET /_matrix/media/v3/config
      router.route(HttpMethod.GET, prefix + "/config").handler(endpoints.authed(this::config));
      // GET /_matrix/media/v3/preview_url
      router.route(HttpMethod.GET, prefix + "/preview_url").handler(endpoints.authed(this::previewUrl));
      // GET /_matrix/media/v3/download/{serverName}/{mediaId}
      router.route(HttpMethod.GET, prefix + "/download/:serverName/:mediaId").handler(streams.openFile(this::download));
      // GET /_matrix/media/v3/download/{serverName}/{mediaId}/{fileName}
      router.route(HttpMethod.GET, prefix + "/download/:serverName/:mediaId/:fileName")
          .handler(streams.openFile(this::downloadNamed));
      // GET /_matrix/media/v3/thumbnail/{serverName}/{mediaId}
      router.route(HttpMethod.GET, prefix + "/thumbnail/:serverName/:mediaId")
          .handler(streams.openFile(this::thumbnail));
    }
  }

  /** {@code POST /upload}: a new media ID for the body. */
  private final class Upload implements UploadEndpoint {
    @Override
    public Path begin(AuthedRequest req) {
      return media.newUploadFile();
    }

    @Override
    public Object complete(AuthedRequest req, Path body, long length) {
      String uri = media.upload(req.userId(), body, length, req.header("Content-Type"), req.query("filename")
          .orElse(null)).toString();
      return Map.of("content_uri", uri);
    }
  }

  /** {@code PUT /upload/{serverName}/{mediaId}}: fills an ID from {@code /create}; refused before the body if not. */
  private final class UploadToCreated implements UploadEndpoint {
    @Override
    public Path begin(AuthedRequest req) {
      media.checkUploadTo(req.userId(), req.path("serverName"), req.path("mediaId"));
      return media.newUploadFile();
    }

    @Override
    public Object complete(AuthedRequest req, Path body, long length) {
      media.uploadTo(req.userId(), req.path("serverName"), req.path("mediaId"), body, length,
          req.header("Content-Type"), req.query("filename").orElse(null));
      return Map.of();
    }
  }

  private Object create(AuthedRequest req) {
    MediaService.Created created = media.create(req.userId());
    return Map.of("content_uri", created.contentUri().toString(), "unused_expires_at", created.unusedExpiresAt());
  }

  private Object config(AuthedRequest req) {
    return Map.of("m.upload.size", media.maxUploadBytes());
  }

  /** No previews: this server does not fetch URLs, so every preview is empty. */
  private Object previewUrl(AuthedRequest req) {
    String url = req.query("url").orElseThrow(() -> MatrixException.missingParam("url is required"));
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw MatrixException.invalidParam("url must be an http(s) URL");
    }
    return Map.of();
  }

  private CompletionStage<FileReply> download(ClientRequest req) {
    return media.download(req.path("serverName"), req.path("mediaId"), timeoutMs(req))
        .thenApply(content -> reply(content, false));
  }

  private CompletionStage<FileReply> downloadNamed(ClientRequest req) {
    String fileName = req.path("fileName");
    return media.download(req.path("serverName"), req.path("mediaId"), timeoutMs(req))
        .thenApply(content -> reply(content.withFileName(fileName), false));
  }

  private CompletionStage<FileReply> thumbnail(ClientRequest req) {
    int width = positiveInt(req, "width");
    int height = positiveInt(req, "height");
    ThumbnailSize.Method method = ThumbnailSize.Method.fromWire(req.query("method").orElse("scale"))
        .orElseThrow(() -> MatrixException.invalidParam("method must be crop or scale"));
    return media.thumbnail(req.path("serverName"), req.path("mediaId"), width, height, method, timeoutMs(req))
        .thenApply(content -> reply(content, true));
  }

  private static FileReply reply(MediaContent content, boolean thumbnail) {
    return new FileReply(content.file(), content.length(), MediaHeaders.contentType(content.contentType()),
        MediaHeaders.forContent(content, thumbnail));
  }

  private static long timeoutMs(ClientRequest req) {
    String value = req.query("timeout_ms").orElse(null);
    if (value == null) {
      return MediaSettings.DEFAULT_TIMEOUT_MS;
    }
    try {
      return Math.max(0, Long.parseLong(value));
    } catch (NumberFormatException e) {
      throw MatrixException.invalidParam("timeout_ms must be an integer");
    }
  }

  private static int positiveInt(ClientRequest req, String name) {
    String value = req.query(name).orElseThrow(() -> MatrixException.missingParam(name + " is required"));
    try {
      int parsed = Integer.parseInt(value);
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw MatrixException.invalidParam(name + " must be a positive integer");
  }
}
