package dev.larch.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * The content repository: YAML section {@code media}. The files live in {@code <data_dir>/media}.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#content-repository">client-server API v1.11,
 * "Content repository"</a> ({@code m.upload.size}, 413 {@code M_TOO_LARGE}).
 *
 * @param maxUploadBytes the largest upload, in bytes (key {@code media.max_upload_bytes})
 */
public record MediaConfig(@JsonProperty("max_upload_bytes") String maxUploadBytes) {
  /** The defaults: 50 MiB uploads. */
  public static MediaConfig defaults() {
    return new MediaConfig("52428800");
  }

  /** The upload limit in bytes; validated config only. */
  public long maxUploadBytesValue() {
    return Long.parseLong(maxUploadBytes.strip());
  }

  List<ConfigProblem> validate() {
    List<ConfigProblem> problems = new ArrayList<>();
    ConfigValues.add(problems, ConfigValues.intProblem("media.max_upload_bytes", maxUploadBytes, 1024, 1L << 40));
    return problems;
  }
}
