package dev.larch.storage.media;

import dev.larch.core.media.LocalMedia;
import dev.larch.core.media.MediaId;
import dev.larch.core.media.MediaStore;
import dev.larch.core.media.StoredContent;
import dev.larch.core.media.Thumbnail;
import dev.larch.core.media.ThumbnailSize;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.jdbc.Tx;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * {@link MediaStore} over {@code local_media} and {@code local_media_thumbnails} (V006). A pending row has
 * {@code sha256} NULL and its expiry in {@code expires_ts}; filling it is one conditional {@code UPDATE}, so of two
 * concurrent uploads to one ID exactly one wins.
 */
public final class JdbcMediaStore implements MediaStore {
  private static final String COLUMNS = "media_id, user_id, created_ts, expires_ts, uploaded_ts, content_type,"
      + " upload_name, content_length, sha256";

  private final Tx tx;

  public JdbcMediaStore(Database database) {
    this.tx = database.tx();
  }

  @Override
  public boolean insert(LocalMedia media) {
    return tx.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO local_media (" + COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
        ps.setString(1, media.mediaId().value());
        ps.setString(2, media.userId());
        ps.setLong(3, media.createdTs());
        ps.setLong(4, media.expiresTs());
        ps.setLong(5, media.uploadedTs());
        ps.setString(6, media.contentType());
        ps.setString(7, media.uploadName());
        ps.setLong(8, media.length());
        ps.setString(9, media.sha256());
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public boolean completePending(MediaId mediaId, String userId, String contentType, String uploadName,
      StoredContent content, long now) {
    return tx.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE local_media SET expires_ts = 0, uploaded_ts = ?,"
          + " content_type = ?, upload_name = ?, content_length = ?, sha256 = ?"
          + " WHERE media_id = ? AND user_id = ? AND sha256 IS NULL AND expires_ts > ?")) {
        ps.setLong(1, now);
        ps.setString(2, contentType);
        ps.setString(3, uploadName);
        ps.setLong(4, content.length());
        ps.setString(5, content.sha256());
        ps.setString(6, mediaId.value());
        ps.setString(7, userId);
        ps.setLong(8, now);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Optional<LocalMedia> media(MediaId mediaId) {
    return tx.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM local_media WHERE media_id = ?")) {
        ps.setString(1, mediaId.value());
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(media(rs)) : Optional.<LocalMedia>empty();
        }
      }
    });
  }

  @Override
  public int pendingCount(String userId, long now) {
    return tx.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT COUNT(*) FROM local_media WHERE user_id = ? AND expires_ts > ? AND sha256 IS NULL")) {
        ps.setString(1, userId);
        ps.setLong(2, now);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getInt(1);
        }
      }
    });
  }

  @Override
  public int deleteExpiredPending(long now) {
    return tx.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM local_media WHERE expires_ts > 0 AND expires_ts <= ? AND sha256 IS NULL")) {
        ps.setLong(1, now);
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public Optional<Thumbnail> thumbnail(MediaId mediaId, ThumbnailSize size) {
    return tx.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT content_type, actual_width, actual_height,"
          + " content_length, sha256 FROM local_media_thumbnails"
          + " WHERE media_id = ? AND width = ? AND height = ? AND method = ?")) {
        ps.setString(1, mediaId.value());
        ps.setInt(2, size.width());
        ps.setInt(3, size.height());
        ps.setString(4, size.method().wireName());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.<Thumbnail>empty();
          }
          return Optional.of(new Thumbnail(mediaId, size, rs.getString(1), rs.getInt(2), rs.getInt(3),
              rs.getLong(4), rs.getString(5)));
        }
      }
    });
  }

  @Override
  public void putThumbnail(Thumbnail thumbnail) {
    tx.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO local_media_thumbnails (media_id, width, height,"
          + " method, content_type, actual_width, actual_height, content_length, sha256)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
        ps.setString(1, thumbnail.mediaId().value());
        ps.setInt(2, thumbnail.size().width());
        ps.setInt(3, thumbnail.size().height());
        ps.setString(4, thumbnail.size().method().wireName());
        ps.setString(5, thumbnail.contentType());
        ps.setInt(6, thumbnail.width());
        ps.setInt(7, thumbnail.height());
        ps.setLong(8, thumbnail.length());
        ps.setString(9, thumbnail.sha256());
        return ps.executeUpdate();
      }
    });
  }

  private static LocalMedia media(ResultSet rs) throws SQLException {
    return new LocalMedia(MediaId.parse(rs.getString(1)), rs.getString(2), rs.getLong(3), rs.getLong(4),
        rs.getLong(5), rs.getString(6), rs.getString(7), rs.getLong(8), rs.getString(9));
  }
}
