package dev.larch.federation.media;

import dev.larch.core.error.MatrixException;
import dev.larch.core.media.MediaContent;
import dev.larch.core.media.MediaService;
import dev.larch.core.media.ThumbnailSize;
import dev.larch.federation.http.FederationEndpoints;
import dev.larch.federation.http.FederationRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.CompletionStage;

/**
 * This server's media for other servers: the federation media API, and the legacy client download path that
 * servers fall back to (Dendrite and older Synapse fetch remote media there, with {@code allow_remote=false}).
 *
 * <p>Spec: server-server API v1.11, "Content Repository" ({@code GET /_matrix/federation/v1/media/download/{mediaId}}
 * and {@code /thumbnail/{mediaId}}: signed; the answer is {@code multipart/mixed} with a JSON metadata part, empty
 * today, then the bytes with their {@code Content-Type} and {@code Content-Disposition}); client-server API v1.11,
 * {@code GET /_matrix/media/v3/download/{serverName}/{mediaId}}. Only this server's own media is served: we never
 * fetch on another server's behalf.
 */
public final class MediaRoutes {
  /** How long a download waits for a pending upload when the request does not say. */
  private static final long DEFAULT_TIMEOUT_MS = 20_000;

  private final MediaService media;
  private final SecureRandom random = new SecureRandom();

  public MediaRoutes(MediaService media) {
    this.media = media;
  }

  public void mount(Router router, FederationEndpoints endpoints) {
    router.get("/_matrix/federation/v1/media/download/:mediaId").handler(endpoints.signedRaw(
        request -> multipart(media.download(ours(), request.path("mediaId"), timeout(request))),
        MediaRoutes::writeMultipart));
    router.get("/_matrix/federation/v1/media/thumbnail/:mediaId").handler(endpoints.signedRaw(
        request -> multipart(media.thumbnail(ours(), request.path("mediaId"), intParam(request, "width"),
            intParam(request, "height"), method(request), timeout(request))),
        MediaRoutes::writeMultipart));
    for (String prefix : new String[] {"/_matrix/media/v3", "/_matrix/media/r0"}) {
      router.get(prefix + "/download/:serverName/:mediaId").handler(endpoints.openRaw(
          request -> legacy(request, null), MediaRoutes::writeFile));
      router.get(prefix + "/download/:serverName/:mediaId/:fileName").handler(endpoints.openRaw(
          request -> legacy(request, request.path("fileName")), MediaRoutes::writeFile));
    }
  }

  /** A response body built off the event loop. */
  record Body(String contentType, String disposition, byte[] bytes) {}

  private String ours() {
    return media.serverName().value();
  }

  private CompletionStage<Body> legacy(FederationRequest request, String fileName) {
    if (!ours().equals(request.path("serverName"))) {
      throw MatrixException.notFound("This server serves only its own media");
    }
    return media.download(ours(), request.path("mediaId"), timeout(request)).thenApply(content -> new Body(
        content.contentType(), disposition(content, fileName), read(content)));
  }

  // The federation answer: multipart/mixed, metadata part first, then the content.
  private CompletionStage<Body> multipart(CompletionStage<MediaContent> content) {
    String boundary = HexFormat.of().formatHex(random.generateSeed(16));
    return content.thenApply(c -> {
      byte[] bytes = read(c);
      String head = "--" + boundary + "\r\nContent-Type: application/json\r\n\r\n{}\r\n"
          + "--" + boundary + "\r\nContent-Type: " + c.contentType() + "\r\nContent-Disposition: "
          + disposition(c, null) + "\r\n\r\n";
      String tail = "\r\n--" + boundary + "--\r\n";
      byte[] headBytes = head.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      byte[] tailBytes = tail.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      byte[] out = new byte[headBytes.length + bytes.length + tailBytes.length];
      System.arraycopy(headBytes, 0, out, 0, headBytes.length);
      System.arraycopy(bytes, 0, out, headBytes.length, bytes.length);
      System.arraycopy(tailBytes, 0, out, headBytes.length + bytes.length, tailBytes.length);
      return new Body("multipart/mixed; boundary=" + boundary, null, out);
    });
  }

  private static void writeMultipart(RoutingContext ctx, Body body) {
    ctx.response().setStatusCode(200).putHeader("Content-Type", body.contentType())
        .end(Buffer.buffer(body.bytes()));
  }

  private static void writeFile(RoutingContext ctx, Body body) {
    ctx.response().setStatusCode(200).putHeader("Content-Type", body.contentType())
        .putHeader("Content-Disposition", body.disposition())
        .putHeader("Content-Security-Policy", "sandbox; default-src 'none'; script-src 'none';")
        .end(Buffer.buffer(body.bytes()));
  }

  private static byte[] read(MediaContent content) {
    try {
      return Files.readAllBytes(content.file());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read media " + content.file(), e);
    }
  }

  // attachment unless an image, video, audio or plain text type; the file name only as a safe token.
  private static String disposition(MediaContent content, String requestedName) {
    String base = content.contentType().toLowerCase(Locale.ROOT).split(";", 2)[0].strip();
    boolean inline = base.startsWith("image/") && !base.equals("image/svg+xml") || base.startsWith("video/")
        || base.startsWith("audio/") || base.equals("text/plain");
    String name = requestedName != null ? requestedName : content.fileName();
    String disposition = inline ? "inline" : "attachment";
    if (name == null || name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127 && "\";\\".indexOf(c) < 0)) {
      return disposition;
    }
    return disposition + "; filename=\"" + name + "\"";
  }

  private static long timeout(FederationRequest request) {
    String value = request.query("timeout_ms").orElse(null);
    if (value == null) {
      return DEFAULT_TIMEOUT_MS;
    }
    try {
      return Math.max(0, Long.parseLong(value));
    } catch (NumberFormatException e) {
      throw MatrixException.invalidParam("timeout_ms must be an integer");
    }
  }

  private static int intParam(FederationRequest request, String name) {
    String value = request.query(name).orElseThrow(() -> MatrixException.missingParam(name + " is required"));
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw MatrixException.invalidParam(name + " must be an integer");
    }
  }

  private static ThumbnailSize.Method method(FederationRequest request) {
    String value = request.query("method").orElse("scale");
    return switch (value) {
      case "scale" -> ThumbnailSize.Method.SCALE;
      case "crop" -> ThumbnailSize.Method.CROP;
      default -> throw MatrixException.invalidParam("method must be crop or scale");
    };
  }
}
