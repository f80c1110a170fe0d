package dev.larch.storage.federation.media;

import dev.larch.core.federation.media.RemoteMediaStore;
import dev.larch.core.media.MediaId;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.jdbc.Tx;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

/** {@link RemoteMediaStore} over {@code remote_media_cache} (V011). */
public final class JdbcRemoteMediaStore implements RemoteMediaStore {
  private final Tx tx;

  public JdbcRemoteMediaStore(Database database) {
    this.tx = database.tx();
  }

  @Override
  public Optional<CachedMedia> get(String serverName, MediaId mediaId) {
    return tx.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT content_type, upload_name, content_length, sha256,"
          + " fetched_ts FROM remote_media_cache WHERE server_name = ? AND media_id = ?")) {
        ps.setString(1, serverName);
        ps.setString(2, mediaId.value());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.<CachedMedia>empty();
          }
          return Optional.of(new CachedMedia(serverName, mediaId, rs.getString(1), rs.getString(2), rs.getLong(3),
              rs.getString(4), rs.getLong(5)));
        }
      }
    });
  }

  @Override
  public void put(CachedMedia media) {
    tx.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO remote_media_cache (server_name, media_id,"
          + " content_type, upload_name, content_length, sha256, fetched_ts) VALUES (?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT DO NOTHING")) {
        ps.setString(1, media.serverName());
        ps.setString(2, media.mediaId().value());
        ps.setString(3, media.contentType());
        ps.setString(4, media.fileName());
        ps.setLong(5, media.length());
        ps.setString(6, media.sha256());
        ps.setLong(7, media.fetchedTs());
        return ps.executeUpdate();
      }
    });
  }
}
