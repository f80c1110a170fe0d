package dev.larch.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.bench.ProcessLoad;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Load benchmark of the client-server API: a bounded driver on loopback that prints figures.
 *
 * <p>Starts {@code ./larch run} (H2 in a temp data dir, loopback, no multicast), registers 58 users, creates one
 * room that all of them join, then
 *
 * <ol>
 *   <li>(a) 3,287 sequential sends into that room, spread over the 58 users in a deterministic speaker sequence
 *       with line lengths of a play (the shape of the "Romeo and Juliet" benchmark; the text is generated, not the
 *       play's), timing the wall clock;
 *   <li>(b) 10,000 sends from 64 concurrent senders, giving msg/s;
 *   <li>(c) the server's idle RSS once the runs have settled ({@code ps -o rss}).
 * </ol>
 *
 * <p>Every send is {@code PUT /_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId}} and must answer 200
 * with an event_id: a 200 means the event is durably committed, so both runs measure durable commits. The counts
 * are fixed, every request has a timeout and the whole run a deadline; the server is always stopped at the end.
 *
 * <p>Options: {@code --sequential N}, {@code --concurrent N}, {@code --senders N}, {@code --users N},
 * {@code --settle-seconds N}, {@code --base-url URL} (use a server that is already running; RSS then needs
 * {@code --pid PID}), {@code --keep} (keep the temp data dir and server log).
 */
public final class LoadBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern STARTED = Pattern.compile("\\bstarted\\b.*client_listen=127\\.0\\.0\\.1:(\\d+)");
    private static final int REQUEST_TIMEOUT_MILLIS = 30_000;
    private static final long DEADLINE_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final int MAX_ERRORS = 50;

    private final Options opt;
    private LoopbackHttp http;
    private final long deadline = System.nanoTime() + DEADLINE_NANOS;
    private final AtomicInteger txn = new AtomicInteger();
    private final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    private String base;

    private LoadBench(Options opt) {
        this.opt = opt;
    }

    public static void main(String[] args) throws Exception {
        Options opt = Options.parse(args);
        int rc = new LoadBench(opt).run();
        System.exit(rc);
    }

    record User(String userId, String token) {}

    private int run() throws Exception {
        Server server = null;
        try {
            long pid;
            if (opt.baseUrl != null) {
                base = opt.baseUrl;
                pid = opt.pid;
                say("server: %s (external%s)", base, pid > 0 ? ", pid " + pid : "");
            } else {
                long t0 = System.nanoTime();
                server = Server.start(opt.keep);
                base = server.baseUrl;
                pid = server.process.pid();
                say("server: %s, pid %d, started in %.1f s (H2 in %s, loopback, no multicast)",
                    base, pid, secs(System.nanoTime() - t0), server.work);
            }

            http = new LoopbackHttp(base, REQUEST_TIMEOUT_MILLIS);

            // ---- setup: users, one room, everyone joins (not timed as part of the figures)
            long t0 = System.nanoTime();
            List<User> users = new ArrayList<>();
            String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
            for (int i = 0; i < opt.users; i++) {
                users.add(register(String.format(Locale.ROOT, "speaker%02d_%s", i, run), "a rose by any other name " + i));
            }
            String roomId = createRoom(users.get(0));
            for (User u : users.subList(1, users.size())) {
                join(u, roomId);
            }
            say("setup: %d users registered, room %s created, all joined, in %.1f s", users.size(), roomId,
                secs(System.nanoTime() - t0));

            // ---- (a) sequential sends in a deterministic play-shaped speaker sequence
            Play play = Play.generate(opt.sequential, users.size(), 0x526f6d656fL);
            long[] seqLatency = new long[opt.sequential];
            Cpu aCpu = Cpu.start(pid);
            long a0 = System.nanoTime();
            for (int i = 0; i < opt.sequential; i++) {
                long s = System.nanoTime();
                send(users.get(play.speaker[i]), roomId, play.line[i]);
                seqLatency[i] = System.nanoTime() - s;
                checkBudget();
            }
            long aWall = System.nanoTime() - a0;
            say("(a) sequential: %,d sends into one room from %d users (%d distinct speakers) in %.2f s = %,.0f msg/s; "
                    + "latency %s  [target: <= 3 s]",
                opt.sequential, users.size(), play.distinctSpeakers(), secs(aWall), opt.sequential / secs(aWall),
                percentiles(seqLatency));
            say("(a) CPU per send: %s", aCpu.perOperation(opt.sequential));

            // ---- (b) concurrent sends
            long[] conLatency = new long[opt.concurrent];
            AtomicInteger next = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(opt.senders, daemon("load-sender"));
            List<Future<?>> futures = new ArrayList<>();
            Cpu bCpu = Cpu.start(pid);
            long b0 = System.nanoTime();
            for (int s = 0; s < opt.senders; s++) {
                User u = users.get(s % users.size());
                int sender = s;
                futures.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < opt.concurrent; ) {
                        long t = System.nanoTime();
                        send(u, roomId, "sender " + sender + " message " + i);
                        conLatency[i] = System.nanoTime() - t;
                        checkBudget();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            long bWall = System.nanoTime() - b0;
            pool.shutdownNow();
            say("(b) concurrent: %,d sends from %d senders in %.2f s = %,.0f msg/s; latency %s  [target: >= 3,000 msg/s]",
                opt.concurrent, opt.senders, secs(bWall), opt.concurrent / secs(bWall), percentiles(conLatency));
            say("(b) CPU per send: %s", bCpu.perOperation(opt.concurrent));

            // ---- sanity: the newest event in the room is one of ours, readable back
            JsonNode last = get(users.get(0), "/_matrix/client/v3/rooms/" + enc(roomId) + "/messages?dir=b&limit=1");
            JsonNode chunk = last.path("chunk");
            if (chunk.size() != 1 || !"m.room.message".equals(chunk.get(0).path("type").asText())) {
                throw new IllegalStateException("GET /messages?dir=b&limit=1 after the runs: " + last);
            }

            // ---- (c) idle RSS after the runs settle
            if (pid > 0) {
                say("(c) waiting %d s for the server to settle...", opt.settleSeconds);
                long minKb = Long.MAX_VALUE;
                long lastKb = -1;
                long settleEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(opt.settleSeconds);
                while (System.nanoTime() < settleEnd) {
                    Thread.sleep(1000);
                    lastKb = rssKb(pid);
                    minKb = Math.min(minKb, lastKb);
                }
                say("(c) idle RSS: %.1f MB (lowest sample %.1f MB) via ps -o rss -p %d  [target: < 128 MB with H2]",
                    lastKb / 1024.0, minKb / 1024.0, pid);
            } else {
                say("(c) idle RSS: not measured (external server without --pid)");
            }
            if (!errors.isEmpty()) {
                say("errors: %d, first: %s", errors.size(), errors.get(0));
                return 1;
            }
            return 0;
        } catch (Exception | Error e) {
            say("FAILED: %s", e);
            synchronized (errors) {
                errors.stream().limit(5).forEach(x -> say("  request error: %s", x));
            }
            if (server != null) {
                say("server log tail:\n%s", server.logTail(30));
            }
            return 1;
        } finally {
            if (server != null) {
                int code = server.stop();
                say("server stopped (exit %d)", code);
            }
        }
    }

    // ---- Matrix requests -----------------------------------------------------------------------------------------

    private User register(String localpart, String password) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("username", localpart).put("password", password);
        body.putObject("auth").put("type", "m.login.dummy");
        for (int attempt = 0; ; attempt++) {
            LoopbackHttp.Response r = exchange("POST", "/_matrix/client/v3/register", null, body.toString());
            JsonNode j = parse(r);
            if (r.status() == 200) {
                return new User(j.path("user_id").asText(), j.path("access_token").asText());
            }
            if (r.status() == 401 && j.hasNonNull("session") && !body.path("auth").has("session")) {
                ((ObjectNode) body.path("auth")).put("session", j.path("session").asText()); // the full UIA dance
                continue;
            }
            if (r.status() == 429 && attempt < 20) { // registration is rate-limited: honour retry_after_ms
                Thread.sleep(Math.min(5000, Math.max(50, j.path("retry_after_ms").asLong(500))));
                checkBudget();
                continue;
            }
            throw new IllegalStateException("POST /register " + localpart + " -> " + r.status() + " " + r.body());
        }
    }

    private String createRoom(User u) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("preset", "public_chat").put("name", "Verona");
        JsonNode j = expect200("POST", "/_matrix/client/v3/createRoom", u, body.toString());
        return j.path("room_id").asText();
    }

    private void join(User u, String roomId) throws Exception {
        expect200("POST", "/_matrix/client/v3/join/" + enc(roomId), u, "{}");
    }

    private void send(User u, String roomId, String text) {
        String txnId = "load" + txn.incrementAndGet();
        ObjectNode body = JSON.createObjectNode().put("msgtype", "m.text").put("body", text);
        try {
            JsonNode j = expect200("PUT",
                "/_matrix/client/v3/rooms/" + enc(roomId) + "/send/m.room.message/" + txnId, u, body.toString());
            if (!j.path("event_id").asText().startsWith("$")) {
                throw new IllegalStateException("send answered 200 without an event_id: " + j);
            }
        } catch (Exception e) {
            errors.add(e.toString());
            if (errors.size() >= MAX_ERRORS) {
                throw new IllegalStateException(MAX_ERRORS + " failed sends, giving up; first: " + errors.get(0));
            }
        }
    }

    private JsonNode get(User u, String path) throws Exception {
        return expect200("GET", path, u, null);
    }

    private JsonNode expect200(String method, String path, User u, String body) throws Exception {
        LoopbackHttp.Response r = exchange(method, path, u, body);
        if (r.status() != 200) {
            throw new IllegalStateException(method + " " + path + " -> " + r.status() + " " + r.body());
        }
        return parse(r);
    }

    private LoopbackHttp.Response exchange(String method, String path, User u, String body) throws Exception {
        return http.exchange(method, path, u == null ? null : u.token(), body);
    }

    private static JsonNode parse(LoopbackHttp.Response r) {
        try {
            return JSON.readTree(r.body().isEmpty() ? "{}" : r.body());
        } catch (IOException e) {
            throw new IllegalStateException("not JSON (" + r.status() + "): " + r.body(), e);
        }
    }

    private void checkBudget() {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the benchmark ran over its " + TimeUnit.NANOSECONDS.toMinutes(DEADLINE_NANOS)
                + "-minute deadline");
        }
    }

    // ---- figures ------------------------------------------------------------------------------------------------

    private static String percentiles(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms",
            s[(int) (s.length * 0.50)] / 1e6, s[(int) (s.length * 0.90)] / 1e6,
            s[Math.min(s.length - 1, (int) (s.length * 0.99))] / 1e6, s[s.length - 1] / 1e6);
    }

    private static long rssKb(long pid) throws IOException, InterruptedException {
        Process ps = new ProcessBuilder("ps", "-o", "rss=", "-p", Long.toString(pid)).redirectErrorStream(true).start();
        String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!ps.waitFor(10, TimeUnit.SECONDS) || out.isEmpty()) {
            throw new IllegalStateException("ps -o rss= -p " + pid + " gave nothing (server gone?)");
        }
        return Long.parseLong(out);
    }

    /**
     * CPU used during a run, by the server (utime + stime from {@code /proc/<pid>/stat}, in the kernel's 100 Hz
     * ticks) and by this driver, since both share the machine's cores.
     */
    private record Cpu(long pid, long serverTicks, long driverNanos) {
        static Cpu start(long pid) throws IOException {
            return new Cpu(pid, pid > 0 ? ticks(pid) : -1, ProcessLoad.cpuNanos());
        }

        String perOperation(int operations) throws IOException {
            double driverMs = (ProcessLoad.cpuNanos() - driverNanos) / 1e6 / operations;
            String server = serverTicks < 0 ? "not measured (no --pid)"
                : String.format(Locale.ROOT, "%.3f ms", (ticks(pid) - serverTicks) * 10.0 / operations);
            return String.format(Locale.ROOT, "server %s, driver %.3f ms (%s)", server, driverMs,
                ProcessLoad.loadAverage());
        }

        private static long ticks(long pid) throws IOException {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // the name may hold spaces
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15: utime, stime
        }
    }

    private static double secs(long nanos) {
        return nanos / 1e9;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void say(String fmt, Object... args) {
        System.out.println("load: " + String.format(Locale.ROOT, fmt, args));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // ---- the play: a deterministic speaker sequence and line lengths ------------------------------------------------

    /**
     * A generated stand-in for the play's dialogue: speakers drawn with Zipf-like weights (a few leads speak most
     * lines, many minor parts speak a few), runs of back-and-forth between two speakers, and line lengths from a
     * skewed distribution (mostly short lines, some long speeches). Same seed, same sequence.
     */
    static final class Play {
        final int[] speaker;
        final String[] line;

        private Play(int[] speaker, String[] line) {
            this.speaker = speaker;
            this.line = line;
        }

        static Play generate(int lines, int speakers, long seed) {
            SplittableRandom rnd = new SplittableRandom(seed);
            double[] cumulative = new double[speakers];
            double sum = 0;
            for (int i = 0; i < speakers; i++) {
                sum += 1.0 / Math.pow(i + 1, 1.1);
                cumulative[i] = sum;
            }
            String[] words = ("love night light death thou art what name rose sweet sorrow parting fair sun moon "
                + "swear kiss heart banish Verona Mantua house feud friar poison dagger tomb balcony star fortune "
                + "wherefore gentle nurse morrow").split(" ");
            int[] who = new int[lines];
            String[] text = new String[lines];
            int prev = 0;
            int prev2 = 1;
            for (int i = 0; i < lines; i++) {
                int s;
                if (i > 1 && rnd.nextDouble() < 0.45) {
                    s = prev2; // dialogue: the previous-but-one speaker answers back
                } else {
                    double x = rnd.nextDouble() * sum;
                    int k = Arrays.binarySearch(cumulative, x);
                    s = k >= 0 ? k : Math.min(speakers - 1, -k - 1);
                }
                who[i] = s;
                prev2 = prev;
                prev = s;
                // line length: log-normal-ish, 8..1200 characters, median ~60
                int len = (int) Math.max(8, Math.min(1200, Math.exp(4.1 + 0.9 * rnd.nextGaussian())));
                StringBuilder b = new StringBuilder(len + 16);
                while (b.length() < len) {
                    if (b.length() > 0) {
                        b.append(' ');
                    }
                    b.append(words[rnd.nextInt(words.length)]);
                }
                text[i] = b.toString();
            }
            // make sure all parts appear: give each unseen speaker one line (deterministic positions)
            boolean[] seen = new boolean[speakers];
            for (int s : who) {
                seen[s] = true;
            }
            for (int s = 0, pos = 7; s < speakers; s++) {
                if (!seen[s] && lines > 0) {
                    who[pos % lines] = s;
                    pos += 53;
                }
            }
            return new Play(who, text);
        }

        long distinctSpeakers() {
            return Arrays.stream(speaker).distinct().count();
        }
    }

    // ---- the server process -------------------------------------------------------------------------------------

    static final class Server {
        final Process process;
        final Path work;
        final Path log;
        volatile String baseUrl;
        final boolean keep;

        private Server(Process process, Path work, Path log, String baseUrl, boolean keep) {
            this.process = process;
            this.work = work;
            this.log = log;
            this.baseUrl = baseUrl;
            this.keep = keep;
        }

        static Server start(boolean keep) throws Exception {
            Path root = Path.of(System.getProperty("larch.root", ".")).toAbsolutePath().normalize();
            Path launcher = root.resolve("larch");
            if (!Files.isExecutable(launcher)) {
                throw new IllegalStateException(launcher + " not found; run from the repo root or set -Dlarch.root");
            }
            Path work = Files.createTempDirectory("larch-load-");
            Path log = work.resolve("larch.log");
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Process p = new ProcessBuilder(launcher.toString(), "run",
                "--data-dir", work.resolve("data").toString(),
                "--client-listen", "127.0.0.1:" + port,
                "--overlay-listen", "127.0.0.1:0",
                "--no-multicast")
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
            Server server = new Server(p, work, log, null, keep);
            // Interrupted (Ctrl-C, SIGTERM): the server and its temp dir go too.
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(180); // the launcher may build first
            while (System.nanoTime() < end) {
                Matcher m = STARTED.matcher(Files.readString(log));
                if (m.find()) {
                    server.baseUrl = "http://127.0.0.1:" + m.group(1);
                    return server;
                }
                if (!p.isAlive()) {
                    String tail = server.logTail(30);
                    server.stop();
                    throw new IllegalStateException("./larch run exited (" + p.exitValue() + ") before starting:\n" + tail);
                }
                Thread.sleep(100);
            }
            String tail = server.logTail(30);
            server.stop();
            throw new IllegalStateException("no 'started ... client_listen=' line within 180 s:\n" + tail);
        }

        String logTail(int n) {
            try {
                List<String> lines = Files.readAllLines(log);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }

        synchronized int stop() {
            try {
                if (process.isAlive()) {
                    process.destroy(); // SIGTERM
                    if (!process.waitFor(15, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                }
                return process.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                return -1;
            } finally {
                if (!keep) {
                    deleteTree(work);
                } else if (Files.exists(work)) {
                    say("kept %s", work);
                }
            }
        }

        private static void deleteTree(Path dir) {
            if (!Files.exists(dir)) {
                return;
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    // ---- options ------------------------------------------------------------------------------------------------

    static final class Options {
        int users = 58;
        int sequential = 3287;
        int concurrent = 10_000;
        int senders = 64;
        int settleSeconds = 10;
        String baseUrl;
        long pid;
        boolean keep;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--users" -> o.users = bounded(args, ++i, 2, 1000);
                    case "--sequential" -> o.sequential = bounded(args, ++i, 1, 100_000);
                    case "--concurrent" -> o.concurrent = bounded(args, ++i, 1, 100_000);
                    case "--senders" -> o.senders = bounded(args, ++i, 1, 512);
                    case "--settle-seconds" -> o.settleSeconds = bounded(args, ++i, 1, 300);
                    case "--base-url" -> o.baseUrl = value(args, ++i);
                    case "--pid" -> o.pid = Long.parseLong(value(args, ++i));
                    case "--keep" -> o.keep = true;
                    default -> throw new IllegalArgumentException("unknown option " + a
                        + " (--users N --sequential N --concurrent N --senders N --settle-seconds N --base-url URL"
                        + " --pid PID --keep)");
                }
            }
            return o;
        }

        private static String value(String[] args, int i) {
            if (i >= args.length) {
                throw new IllegalArgumentException(args[i - 1] + " needs a value");
            }
            return args[i];
        }

        private static int bounded(String[] args, int i, int min, int max) {
            int v = Integer.parseInt(value(args, i));
            if (v < min || v > max) {
                throw new IllegalArgumentException(args[i - 1] + " must be in " + min + ".." + max);
            }
            return v;
        }
    }
}
