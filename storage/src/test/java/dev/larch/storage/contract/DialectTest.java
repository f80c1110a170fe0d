package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.storage.jdbc.Dialect;
import dev.larch.storage.jdbc.StorageException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Each {@link Dialect} method, and the SQL the schema relies on, on both databases. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class DialectTest extends DatabaseTest {
  DialectTest(TestDatabase kind) {
    super(kind);
  }

  @Test
  void fromUrl_matchesDatabase() {
    assertEquals(kind == TestDatabase.H2 ? Dialect.H2 : Dialect.POSTGRESQL, database.dialect());
  }

  @Test
  void upsert_insertsThenReplaces_andBytesRoundTrip() {
    String sql = database.dialect().upsert("account_data", List.of("user_id", "room_id", "data_type"),
        List.of("content", "stream_position"));
    byte[] first = {0, 1, 2, (byte) 0xff};
    byte[] second = {42};
    for (byte[] content : List.of(first, second)) {
      database.tx().inTransaction(c -> {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          ps.setString(1, "@u:x");
          ps.setString(2, "");
          ps.setString(3, "t");
          ps.setBytes(4, content);
          ps.setLong(5, content.length);
          return ps.executeUpdate();
        }
      });
    }
    byte[] stored = database.tx().read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT content FROM account_data");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        byte[] bytes = rs.getBytes(1);
        assertTrue(!rs.next(), "one row");
        return bytes;
      }
    });
    assertEquals(List.of((byte) 42), List.of(stored[0]));
    assertEquals(1, stored.length);
  }

  @Test
  void failure_isStorageExceptionWithoutSqlInMessage() {
    StorageException e = assertThrows(StorageException.class, () -> database.tx().inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT no_such_column FROM rooms")) {
        return ps.executeQuery();
      }
    }));
    assertEquals("database operation failed", e.getMessage());
  }
}
