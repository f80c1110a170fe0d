package dev.larch.storage.alias;

import dev.larch.core.alias.AliasStore;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.jdbc.Tx;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link AliasStore} over the {@code room_aliases} table (V003). */
public final class JdbcAliasStore implements AliasStore {
  private final Tx tx;

  public JdbcAliasStore(Database database) {
    this.tx = database.tx();
  }

  @Override
  public boolean create(String alias, String roomId, String creator) {
    return tx.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO room_aliases (room_alias, room_id, creator) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
        ps.setString(1, alias);
        ps.setString(2, roomId);
        ps.setString(3, creator);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Optional<RoomAliasEntry> get(String alias) {
    return tx.read(c -> {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT room_id, creator FROM room_aliases WHERE room_alias = ?")) {
        ps.setString(1, alias);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next()
              ? Optional.of(new RoomAliasEntry(alias, rs.getString(1), rs.getString(2)))
              : Optional.empty();
        }
      }
    });
  }

  @Override
  public boolean delete(String alias) {
    return tx.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM room_aliases WHERE room_alias = ?")) {
        ps.setString(1, alias);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public List<String> aliasesOf(String roomId) {
    return tx.read(c -> {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT room_alias FROM room_aliases WHERE room_id = ? ORDER BY room_alias")) {
        ps.setString(1, roomId);
        List<String> aliases = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            aliases.add(rs.getString(1));
          }
        }
        return aliases;
      }
    });
  }
}
