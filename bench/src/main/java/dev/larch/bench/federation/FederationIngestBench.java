package dev.larch.bench.federation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.bench.ProcessLoad;
import dev.larch.bench.storage.ScratchDatabase;
import dev.larch.core.event.Pdu;
import dev.larch.core.federation.edu.EduReceiver;
import dev.larch.core.federation.inbound.FakeRemoteServer;
import dev.larch.core.federation.inbound.InboundPdus;
import dev.larch.core.federation.inbound.IncomingEventChecks;
import dev.larch.core.federation.inbound.TransactionReceiver;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.json.ReceivedJson;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.RoomLocks;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.StateBefore;
import dev.larch.storage.federation.inbound.JdbcReceivedTransactions;
import dev.larch.storage.room.CachingRoomStore;
import dev.larch.storage.room.JdbcRoomStore;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * Federation ingest: a room of {@link #events} signed events that a fake remote server generated (a few hundred
 * users joining over time, the rest messages from joined users), pushed as transactions of 50 PDUs through
 * {@link TransactionReceiver} and the inbound pipeline onto the real H2 room store, one transaction after the other
 * as a single sender must send them. Each transaction body is parsed from its bytes as the route would.
 *
 * <p>One operation is the whole room; every iteration starts from a fresh database holding just the room's first
 * events and the local user's join (what a {@code send_join} would have left). The teardown prints events/s and
 * checks that every event was accepted. Goal (issue 7): at least 4,000 events/s on 2 cores.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class FederationIngestBench {
  private static final String REMOTE = "remote.bench";
  private static final String LOCAL = "larch.bench";
  private static final int BATCH = 50;
  private static final int USERS = 300;

  @Param({"50000"})
  public int events;

  private FakeRemoteServer remote;
  private List<Pdu> initial;
  private List<byte[]> transactions;
  private String lastEventId;
  private ExecutorService verifiers;

  private ScratchDatabase scratch;
  private RoomStore store;
  private TransactionReceiver receiver;
  private long nanos;
  private long cpuNanos;
  private int errors;

  @Setup(Level.Trial)
  public void generateRoom() throws IOException {
    remote = new FakeRemoteServer(REMOTE, RoomVersion.V10);
    remote.addServer(LOCAL);
    initial = new ArrayList<>(remote.createRoom("@creator:" + REMOTE));
    initial.add(remote.join("@bench:" + LOCAL));
    SplittableRandom random = new SplittableRandom(42);
    List<String> joined = new ArrayList<>(List.of("@creator:" + REMOTE));
    List<Pdu> room = new ArrayList<>(events);
    int joinEvery = Math.max(1, events / USERS);
    for (int i = 0; i < events; i++) {
      if (i % joinEvery == 0 && joined.size() <= USERS) {
        String user = "@user" + joined.size() + ":" + REMOTE;
        room.add(remote.join(user));
        joined.add(user);
      } else {
        String sender = joined.get(random.nextInt(joined.size()));
        room.add(remote.message(sender, "message " + i + " " + "x".repeat(random.nextInt(8, 200))));
      }
    }
    lastEventId = room.get(room.size() - 1).eventId();
    transactions = new ArrayList<>();
    for (int from = 0; from < room.size(); from += BATCH) {
      transactions.add(JsonMapper.shared().writeValueAsBytes(
          remote.transaction(room.subList(from, Math.min(room.size(), from + BATCH)))));
    }
    verifiers = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
  }

  @Setup(Level.Iteration)
  public void freshDatabase() throws IOException {
    scratch = ScratchDatabase.open("larch-ingest-bench", "");
    store = new CachingRoomStore(new JdbcRoomStore(scratch.database()), 10_000);
    String previous = null;
    for (Pdu event : initial) {
      store.persist(PersistRequest.accepted(event,
          previous == null ? StateBefore.none() : StateBefore.afterEvent(previous)));
      previous = event.eventId();
    }
    InboundPdus pdus = new InboundPdus(LOCAL, store, new RoomLocks(), new IncomingEventChecks(remote.keys()), remote,
        List.of(), verifiers);
    receiver = new TransactionReceiver(pdus, EduReceiver.IGNORE,
        new JdbcReceivedTransactions(scratch.database(), Clock.systemUTC()), store);
  }

  @Benchmark
  public int ingest() {
    long cpuStart = ProcessLoad.cpuNanos();
    long start = System.nanoTime();
    int failed = 0;
    for (int i = 0; i < transactions.size(); i++) {
      JsonNode results = receiver.receive(REMOTE, "txn" + i, ReceivedJson.parseObject(transactions.get(i)))
          .get("pdus");
      for (Map.Entry<String, JsonNode> result : results.properties()) {
        if (result.getValue().has("error")) {
          failed++;
        }
      }
    }
    nanos = System.nanoTime() - start;
    cpuNanos = ProcessLoad.cpuNanos() - cpuStart;
    errors = failed;
    return failed;
  }

  @TearDown(Level.Iteration)
  public void report() throws IOException {
    try {
      // The CPU time tells what the machine's load hides: events per CPU-second, summed over all threads.
      System.out.printf("%n%,d events in %,d transactions: %.1f s, %,.0f events/s, %d not accepted;"
              + " CPU %.1f s (%,.0f events per CPU-second), %s%n", events,
          transactions.size(), nanos / 1e9, events / (nanos / 1e9), errors, cpuNanos / 1e9,
          events / (cpuNanos / 1e9), ProcessLoad.loadAverage());
      if (errors > 0 || !store.forwardExtremities(remote.roomId()).equals(java.util.Set.of(lastEventId))) {
        throw new IllegalStateException("ingest went wrong: " + errors + " events not accepted, extremities "
            + store.forwardExtremities(remote.roomId()));
      }
    } finally {
      scratch.close();
    }
  }

  @TearDown(Level.Trial)
  public void stopVerifiers() {
    verifiers.shutdownNow();
  }
}
