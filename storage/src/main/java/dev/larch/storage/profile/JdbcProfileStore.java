package dev.larch.storage.profile;

import dev.larch.core.profile.Profile;
import dev.larch.core.profile.ProfileStore;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.jdbc.Tx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** {@link ProfileStore} over the {@code profiles} table (V003). */
public final class JdbcProfileStore implements ProfileStore {
  private final Tx tx;

  public JdbcProfileStore(Database database) {
    this.tx = database.tx();
  }

  @Override
  public Optional<Profile> get(String userId) {
    return tx.read(c -> {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT displayname, avatar_url FROM profiles WHERE user_id = ?")) {
        ps.setString(1, userId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(new Profile(rs.getString(1), rs.getString(2))) : Optional.empty();
        }
      }
    });
  }

  @Override
  public void setDisplayName(String userId, String displayName) {
    set(userId, "displayname", displayName);
  }

  @Override
  public void setAvatarUrl(String userId, String avatarUrl) {
    set(userId, "avatar_url", avatarUrl);
  }

  // Insert the row if missing, then update the one column: no upsert needed, and the other column is kept.
  private void set(String userId, String column, String value) {
    tx.inTransaction(c -> {
      ensureRow(c, userId);
      try (PreparedStatement ps =
          c.prepareStatement("UPDATE profiles SET " + column + " = ? WHERE user_id = ?")) {
        ps.setString(1, value);
        ps.setString(2, userId);
        ps.executeUpdate();
      }
      return null;
    });
  }

  private static void ensureRow(Connection c, String userId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO profiles (user_id) VALUES (?) ON CONFLICT DO NOTHING")) {
      ps.setString(1, userId);
      ps.executeUpdate();
    }
  }
}
