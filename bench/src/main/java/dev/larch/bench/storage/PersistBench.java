package dev.larch.bench.storage;

import dev.larch.bench.ProcessLoad;
import dev.larch.core.event.Pdu;
import dev.larch.core.federation.inbound.FakeRemoteServer;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.StateBefore;
import dev.larch.core.room.TxnKey;
import dev.larch.storage.room.CachingRoomStore;
import dev.larch.storage.room.JdbcRoomStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The room store's write path alone, without HTTP, signing or auth: {@link #events} pre-built messages (with client
 * transaction IDs, as a local send stores them) persisted into one room of 58 members on a fresh H2 file database,
 * {@link #batch} per {@code persistAll} transaction, each transaction a durable commit. The teardown prints
 * persists/s, CPU per event and bytes written per event ({@code /proc/self/io}), the figure an H2 commit's page
 * writes show up in. {@code batch=1} is a sequential client send; larger batches are what {@code EventSender}
 * groups concurrent sends into.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class PersistBench {
  private static final int MEMBERS = 58;

  @Param({"5000"})
  public int events;

  @Param({"1", "16"})
  public int batch;

  // Extra H2 URL settings to try (";PAGE_SIZE=2048"); Database fills in the rest as in production.
  @Param({""})
  public String h2Settings;

  private List<Pdu> initial;
  private List<Pdu> messages;

  private ScratchDatabase scratch;
  private RoomStore store;
  private long nanos;
  private long cpuNanos;
  private long bytesWritten;

  @Setup(Level.Trial)
  public void generateRoom() {
    FakeRemoteServer remote = new FakeRemoteServer("persist.bench", RoomVersion.V10);
    initial = new ArrayList<>(remote.createRoom("@creator:persist.bench"));
    List<String> members = new ArrayList<>(List.of("@creator:persist.bench"));
    for (int i = 1; i < MEMBERS; i++) {
      String user = "@user" + i + ":persist.bench";
      initial.add(remote.join(user));
      members.add(user);
    }
    SplittableRandom random = new SplittableRandom(7);
    messages = new ArrayList<>(events);
    for (int i = 0; i < events; i++) {
      messages.add(remote.message(members.get(random.nextInt(members.size())),
          "line " + i + " " + "x".repeat(random.nextInt(8, 120))));
    }
  }

  @Setup(Level.Iteration)
  public void freshDatabase() throws IOException {
    scratch = ScratchDatabase.open("larch-persist-bench", h2Settings);
    store = new CachingRoomStore(new JdbcRoomStore(scratch.database()), 10_000);
    String previous = null;
    for (Pdu event : initial) {
      store.persist(PersistRequest.accepted(event,
          previous == null ? StateBefore.none() : StateBefore.afterEvent(previous)));
      previous = event.eventId();
    }
  }

  @Benchmark
  public int persist() {
    long written = writeBytes();
    long cpuStart = ProcessLoad.cpuNanos();
    long start = System.nanoTime();
    String previous = initial.get(initial.size() - 1).eventId();
    int stored = 0;
    for (int from = 0; from < messages.size(); from += batch) {
      List<PersistRequest> requests = new ArrayList<>(batch);
      for (Pdu event : messages.subList(from, Math.min(messages.size(), from + batch))) {
        requests.add(PersistRequest.accepted(event, StateBefore.afterEvent(previous))
            .withTxn(new TxnKey(event.sender(), "DEVICE", "t" + (from + requests.size()))));
        previous = event.eventId();
      }
      stored += store.persistAll(requests).orElseThrow().size();
    }
    nanos = System.nanoTime() - start;
    cpuNanos = ProcessLoad.cpuNanos() - cpuStart;
    bytesWritten = writeBytes() - written;
    return stored;
  }

  @TearDown(Level.Iteration)
  public void report() throws IOException {
    try {
      System.out.printf("%n%,d persists in batches of %d: %.2f s, %,.0f events/s; CPU %.0f µs per event;"
              + " %,.1f KB written per event; %s%n", events, batch, nanos / 1e9,
          events / (nanos / 1e9), cpuNanos / 1e3 / events, bytesWritten / 1024.0 / events, ProcessLoad.loadAverage());
      String last = messages.get(messages.size() - 1).eventId();
      if (!store.forwardExtremities(initial.get(0).roomId()).equals(java.util.Set.of(last))) {
        throw new IllegalStateException("persist went wrong: extremities "
            + store.forwardExtremities(initial.get(0).roomId()));
      }
    } finally {
      scratch.close();
    }
  }

  // Bytes this process handed to write(2) (wchar), which is what an H2 commit costs without an fsync.
  static long writeBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
        if (line.startsWith("wchar:")) {
          return Long.parseLong(line.substring(6).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: the figure is left out (reads as 0).
    }
    return 0;
  }
}
