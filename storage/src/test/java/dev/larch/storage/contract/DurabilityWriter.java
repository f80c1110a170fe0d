package dev.larch.storage.contract;

import dev.larch.core.event.Pdu;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.StateBefore;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.room.JdbcRoomStore;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The child process of {@link DurabilityTest}: persists events from several threads, one room each, forever, and
 * prints {@code COMMITTED <eventId>} on stdout after each persist returns, the moment a server would answer 200.
 * It expects to be killed with SIGKILL.
 *
 * <p>Usage: {@code DurabilityWriter <jdbcUrl> <threads>}
 */
public final class DurabilityWriter {
  private DurabilityWriter() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int threads = Integer.parseInt(args[1]);
    PrintStream out = System.out;
    Database database = Database.open(url, threads + 2);
    JdbcRoomStore store = new JdbcRoomStore(database);
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      TestRoom room = new TestRoom("durable" + t + "-" + ProcessHandle.current().pid());
      Thread writer = new Thread(() -> {
        Pdu create = room.create("@writer:larch.test");
        store.persist(PersistRequest.accepted(create, StateBefore.none()));
        report(out, create.eventId());
        String prev = create.eventId();
        for (long depth = 2; ; depth++) {
          Pdu event = depth % 5 == 0
              ? room.member("@m" + depth + ":larch.test", "join", List.of(prev), depth)
              : room.message("@writer:larch.test", "message " + depth, List.of(prev), depth);
          store.persist(PersistRequest.accepted(event, StateBefore.afterEvent(prev)));
          report(out, event.eventId());
          prev = event.eventId();
        }
      });
      writer.start();
      writers.add(writer);
    }
    for (Thread writer : writers) {
      writer.join();
    }
  }

  private static void report(PrintStream out, String eventId) {
    synchronized (out) {
      out.println("COMMITTED " + eventId);
      out.flush();
    }
  }
}
