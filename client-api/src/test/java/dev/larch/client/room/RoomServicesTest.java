package dev.larch.client.room;

import dev.larch.storage.contract.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A test of the room services without HTTP: every test method gets fresh {@link TestRooms} as {@link #t}, and the
 * whole class runs once on each {@link TestDatabase}. A subclass creates the users and rooms it needs in its own
 * {@code @BeforeEach}, which JUnit runs after this one.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
abstract class RoomServicesTest {
  @Parameter TestDatabase kind;
  @TempDir Path tempDir;
  TestRooms t;

  @BeforeEach
  void openRooms() {
    t = TestRooms.open(kind, tempDir);
  }

  @AfterEach
  void closeRooms() {
    if (t != null) {
      t.close();
    }
  }
}
