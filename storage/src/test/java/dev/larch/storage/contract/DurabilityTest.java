package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.event.Pdu;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.StateBefore;
import dev.larch.core.room.StoredEvent;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.room.JdbcRoomStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A commit that returned survives {@code kill -9}: a child JVM persists events and reports each commit on stdout;
 * the test kills it with SIGKILL mid-stream, reopens the database and finds every reported event.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class DurabilityTest extends DatabaseTest {
  private static final int THREADS = 4;
  private static final int COMMITS_BEFORE_KILL = 400;

  DurabilityTest(TestDatabase kind) {
    super(kind);
  }

  @Test
  void killDashNine_midStream_losesNoReportedCommit() throws Exception {
    killMidStreamAndCheck(List.of());
  }

  @Test
  void killDashNine_whileTheJournalCheckpointsOften_losesNoReportedCommit() throws Exception {
    Assumptions.assumeTrue(kind == TestDatabase.H2, "the commit journal is H2's");
    // A journal emptied every ~64 KB: the kill lands among checkpoints, truncations and appends.
    killMidStreamAndCheck(List.of("-Dlarch.journal.checkpoint-bytes=65536"));
  }

  private void killMidStreamAndCheck(List<String> jvmOptions) throws Exception {
    // The child owns the database while it runs (an H2 file admits one process).
    database.close();
    database = null;

    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of(javaBin.toString()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        DurabilityWriter.class.getName(), url, String.valueOf(THREADS)));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectError(tempDir.resolve("child-stderr.log").toFile());
    Process child = builder.start();

    List<String> reported = new CopyOnWriteArrayList<>();
    CountDownLatch enough = new CountDownLatch(COMMITS_BEFORE_KILL);
    Thread reader = new Thread(() -> {
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          if (line.startsWith("COMMITTED ")) {
            reported.add(line.substring("COMMITTED ".length()));
            enough.countDown();
          }
        }
      } catch (IOException e) {
        // The pipe breaks when the child dies; what was read before counts.
      }
    });
    reader.start();
    boolean reachedTarget = enough.await(120, TimeUnit.SECONDS);
    child.destroyForcibly();
    assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child exited");
    reader.join(TimeUnit.SECONDS.toMillis(30));
    assertTrue(reachedTarget, "child reported " + reported.size() + " commits; see child-stderr.log");
    assertEquals(137, child.exitValue(), "killed by SIGKILL (128 + 9)");

    // Reopen as a restarted server would: recovery, migrations (none pending), then every reported commit.
    database = Database.open(url, 4);
    // On H2 the commits H2 had not stored yet come back from the commit journal, each statement changing exactly
    // the rows it changed the first time.
    database.journalRecovery().ifPresent(replay -> {
      assertEquals(0, replay.divergent(), "replayed statements that changed other rows than the first time");
      assertTrue(replay.applied() + replay.skipped() > 0, "nothing in the journal after a kill mid-stream");
    });
    JdbcRoomStore store = new JdbcRoomStore(database);
    Set<String> found = new HashSet<>();
    List<String> ids = new ArrayList<>(reported);
    for (StoredEvent event : store.events(ids)) {
      found.add(event.eventId());
    }
    Set<String> missing = new HashSet<>(ids);
    missing.removeAll(found);
    assertTrue(missing.isEmpty(), missing.size() + " of " + ids.size() + " reported commits lost: " + missing);
    assertTrue(store.latestStreamPosition() >= ids.size());

    // And the recovered database takes new writes: a new room's state events draw fresh snapshot IDs.
    TestRoom room = new TestRoom("after-recovery");
    Pdu create = room.create("@writer:larch.test");
    store.persist(PersistRequest.accepted(create, StateBefore.none()));
    Pdu join = room.member("@late:larch.test", "join", List.of(create.eventId()), 2);
    store.persist(PersistRequest.accepted(join, StateBefore.afterEvent(create.eventId())));
    assertEquals(join.eventId(), store.events(List.of(join.eventId())).get(0).eventId());
  }
}
