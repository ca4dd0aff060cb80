import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bench-only client for bench/server-signals (not part of Pier): drives a running {@code pier server} over
 * loopback HTTP with an API token, then checks what the server did. Compiled against target/pier.jar (for
 * Jackson only).
 *
 * <pre>
 * ServerBench key=value ...   url, token-file, pid, jcmd, app, envs, signals, warmup, concurrency,
 *                             overhead, deploy-logs, sleep-file, deploy-sleep, settle-ms, drain-s
 * </pre>
 *
 * Phases: idle memory after start-up; warm-up signals (not timed); the timed burst; drain (every run
 * terminal, by long-poll, with a deadline); verification of every run the server accepted; idle memory again;
 * controller overhead of single runs on idle environments. Exits 1 when any check fails.
 *
 * Sending: at most {@code concurrency} requests in flight, on virtual threads. Signals go to environments in a
 * shuffled order (fixed seed), and never two at once to the same environment, so that within one environment
 * "newest" is the client's send order: signal k+1 is sent only after signal k was answered, as from one CI
 * pipeline per environment. Each signal's image tag carries its environment and sequence number, and the
 * deployer writes the tag it deployed, so the deployer's own log shows which signal won.
 */
public final class ServerBench {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> UNFINISHED = Set.of("queued", "awaiting_approval", "deploying", "verifying");

    final URI base;
    final String auth;
    final long pid;
    final String jcmd;
    final String app;
    final List<String> envs;
    final int signals, warmup, concurrency, overhead, settleMs, drainSeconds, pacedSignals;
    final double pacedRate;
    final Path deployLogs, sleepFile;
    final String deploySleep;
    final HttpClient http;
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());

    /** One signal the client sent. */
    record Sent(String env, int seq, int status, String runId, List<String> superseded, long nanos, String error,
                boolean timed) {}

    ServerBench(Map<String, String> a) throws IOException {
        base = URI.create(a.get("url").replaceAll("/+$", ""));
        auth = "Bearer " + Files.readString(Path.of(a.get("token-file"))).strip();
        pid = Long.parseLong(a.get("pid"));
        jcmd = a.get("jcmd");
        app = a.getOrDefault("app", "bench");
        int n = Integer.parseInt(a.get("envs"));
        envs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            envs.add(env(i));
        }
        signals = Integer.parseInt(a.get("signals"));
        warmup = Integer.parseInt(a.getOrDefault("warmup", "0"));
        concurrency = Integer.parseInt(a.getOrDefault("concurrency", "32"));
        overhead = Integer.parseInt(a.getOrDefault("overhead", "100"));
        pacedSignals = Integer.parseInt(a.getOrDefault("paced-signals", "0"));
        pacedRate = Double.parseDouble(a.getOrDefault("paced-rate", "100"));
        settleMs = Integer.parseInt(a.getOrDefault("settle-ms", "3000"));
        drainSeconds = Integer.parseInt(a.getOrDefault("drain-s", "300"));
        deployLogs = Path.of(a.get("deploy-logs"));
        sleepFile = Path.of(a.get("sleep-file"));
        deploySleep = a.getOrDefault("deploy-sleep", "0.2");
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    static String env(int i) {
        return "e%02d".formatted(i);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        ServerBench b = new ServerBench(a);
        boolean ok;
        try {
            ok = b.run();
        } catch (Exception e) {
            e.printStackTrace();
            System.out.println("BENCHMARK FAILED: " + e);
            b.failures.stream().limit(20).forEach(f -> System.out.println("  - " + f));
            ok = false;
        }
        System.exit(ok ? 0 : 1);
    }

    boolean run() throws Exception {
        // 1. Idle memory after start-up.
        Memory startup = memory("start-up", settleMs);
        // 2. Warm-up (verified with everything else, not timed), then drain so the burst starts on idle envs.
        Files.writeString(sleepFile, deploySleep + "\n");
        Map<String, List<Sent>> byEnv = new TreeMap<>();
        envs.forEach(e -> byEnv.put(e, Collections.synchronizedList(new ArrayList<>())));
        if (warmup > 0) {
            log("warm-up: " + warmup + " signals");
            send(plan(warmup, 7), byEnv, false);
            drain(byEnv, Duration.ofSeconds(drainSeconds));
        }
        // 3. The timed burst.
        log("burst: " + signals + " signals over " + envs.size() + " environments, " + concurrency + " in flight");
        String loadBefore = loadAverage();
        double[] cpu0 = cpu();
        long t0 = System.nanoTime();
        List<Sent> burst = send(plan(signals, 42), byEnv, true);
        long wallNanos = System.nanoTime() - t0;
        double[] cpu1 = cpu();
        String loadAfterBurst = loadAverage();
        // 4. Drain: every run terminal.
        long d0 = System.nanoTime();
        drain(byEnv, Duration.ofSeconds(drainSeconds));
        long drainNanos = System.nanoTime() - d0;
        // 5. Paced: signals at a fixed rate below capacity, latency counted from when each was due.
        List<Sent> paced = List.of();
        long pacedWall = 0;
        if (pacedSignals > 0) {
            log("paced: " + pacedSignals + " signals at " + pacedRate + "/s (at most " + concurrency + " in flight)");
            long p0 = System.nanoTime();
            paced = sendPaced(plan(pacedSignals, 99), byEnv);
            pacedWall = System.nanoTime() - p0;
            drain(byEnv, Duration.ofSeconds(drainSeconds));
        }
        // 6. Verify (burst and paced).
        Counts counts = verify(byEnv);
        // 6. Idle memory after the burst.
        Memory afterBurst = memory("after the burst", settleMs);
        // 7. Controller overhead on idle environments.
        Files.writeString(sleepFile, "0\n");
        Overhead oh = overhead > 0 ? overhead() : null;
        Memory end = memory("at the end", 0);
        String metrics = metricsSummary();

        // Report.
        long accepted = burst.stream().filter(s -> s.status() == 202).count();
        long[] lat = burst.stream().filter(s -> s.status() == 202).mapToLong(Sent::nanos).sorted().toArray();
        double rate = accepted / (wallNanos / 1e9);
        double p50 = ms(pct(lat, 50)), p99 = ms(pct(lat, 99)), max = ms(lat.length == 0 ? 0 : lat[lat.length - 1]);
        System.out.println();
        System.out.println("== pier server: signals and runs ==");
        System.out.printf(Locale.ROOT, "burst: %d signals over %d environments, %d in flight (after %d warm-up signals)%n",
                signals, envs.size(), concurrency, warmup);
        System.out.printf(Locale.ROOT, "  accepted (202): %d of %d in %.3f s -> %.1f signals/s accepted durably%n",
                accepted, burst.size(), wallNanos / 1e9, rate);
        System.out.printf(Locale.ROOT, "  POST /api/v1/signals latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms, mean %.1f ms"
                        + " (goal p99 <= 100 ms: %s)%n", p50, p99, max,
                ms((long) Arrays.stream(lat).average().orElse(0)), p99 <= 100 ? "met" : "NOT met");
        System.out.printf(Locale.ROOT, "  load average: before %s; after the burst %s%n", loadBefore, loadAfterBurst);
        System.out.printf(Locale.ROOT, "  CPU during the burst: server %.2f s, deployers it reaped %.2f s, this client %.2f s"
                        + " (%.1f ms of server CPU per signal; %d cores x %.2f s wall = %.2f s)%n", cpu1[0] - cpu0[0],
                cpu1[1] - cpu0[1], cpu1[2] - cpu0[2], (cpu1[0] - cpu0[0]) * 1000 / Math.max(1, burst.size()),
                Runtime.getRuntime().availableProcessors(), wallNanos / 1e9,
                Runtime.getRuntime().availableProcessors() * wallNanos / 1e9);
        System.out.printf(Locale.ROOT, "  drain: all runs terminal %.1f s after the last 202 (deployer sleeps %s s per run)%n",
                drainNanos / 1e9, deploySleep);
        System.out.printf(Locale.ROOT, "runs (warm-up, burst and paced): %d accepted, %d succeeded (deployed), %d superseded, %d other;"
                        + " deployer invocations %d%n", counts.accepted, counts.succeeded, counts.superseded,
                counts.other, counts.invocations);
        System.out.printf(Locale.ROOT, "  checks: one run at a time per environment: %s; newest signal won in every"
                        + " environment: %s; none lost: %s%n", verdict(counts.overlapFailures),
                verdict(counts.newestFailures), verdict(counts.lostFailures));
        if (!paced.isEmpty()) {
            long[] pl = paced.stream().filter(x -> x.status() == 202).mapToLong(Sent::nanos).sorted().toArray();
            double pp99 = ms(pct(pl, 99));
            System.out.printf(Locale.ROOT, "paced: %d signals offered at %.0f/s, at most %d in flight: %d accepted in %.3f s"
                            + " (%.1f/s)%n", paced.size(), pacedRate, concurrency, pl.length, pacedWall / 1e9,
                    pl.length / (pacedWall / 1e9));
            System.out.printf(Locale.ROOT, "  POST /api/v1/signals latency from when each signal was due: p50 %.1f ms,"
                            + " p99 %.1f ms, max %.1f ms (goal p99 <= 100 ms: %s)%n", ms(pct(pl, 50)), pp99,
                    ms(pl.length == 0 ? 0 : pl[pl.length - 1]), pp99 <= 100 ? "met" : "NOT met");
        }
        if (oh != null) {
            System.out.printf(Locale.ROOT, "controller overhead per run (%d runs, one at a time, idle environments,"
                    + " deployer excluded):%n", oh.runs);
            System.out.printf(Locale.ROOT, "  server (queued -> succeeded minus the deployer process): p50 %.1f ms,"
                    + " p99 %.1f ms, max %.1f ms (goal p99 <= 50 ms: %s)%n", oh.server[0], oh.server[1], oh.server[2],
                    oh.server[1] <= 50 ? "met" : "NOT met");
            System.out.printf(Locale.ROOT, "    of which queued -> deploying p50 %.1f / p99 %.1f ms; deploying -> deployer"
                            + " start p50 %.1f / p99 %.1f ms; deployer end -> succeeded p50 %.1f / p99 %.1f ms%n",
                    oh.queue[0], oh.queue[1], oh.prep[0], oh.prep[1], oh.finish[0], oh.finish[1]);
            System.out.printf(Locale.ROOT, "  client (POST sent -> long-poll sees succeeded, minus the deployer process):"
                    + " p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", oh.client[0], oh.client[1], oh.client[2]);
            System.out.printf(Locale.ROOT, "  deployer process as Pier timed it (bash start, no sleep, exit): p50 %.1f ms,"
                    + " p99 %.1f ms; its own measured work p50 %.2f ms%n", oh.step[0], oh.step[1], oh.self[0]);
        }
        System.out.printf(Locale.ROOT, "server memory (pid %d; RSS from /proc, heap from jcmd GC.heap_info):%n", pid);
        for (Memory m : List.of(startup, afterBurst, end)) {
            System.out.println("  " + m);
        }
        System.out.println("server metrics: " + metrics);
        if (!failures.isEmpty()) {
            System.out.println();
            System.out.println("FAILED CHECKS (" + failures.size() + "):");
            failures.stream().limit(50).forEach(f -> System.out.println("  - " + f));
            if (failures.size() > 50) {
                System.out.println("  ... and " + (failures.size() - 50) + " more");
            }
            System.out.println("BENCHMARK FAILED");
            return false;
        }
        System.out.println("all checks passed");
        // One machine-readable line for the script.
        System.out.printf(Locale.ROOT, "RESULT signals=%d envs=%d concurrency=%d accepted=%d wall_s=%.3f rate=%.1f"
                        + " p50_ms=%.1f p99_ms=%.1f max_ms=%.1f overhead_p50_ms=%.1f overhead_p99_ms=%.1f"
                        + " client_overhead_p50_ms=%.1f client_overhead_p99_ms=%.1f rss_idle_mib=%.1f rss_after_mib=%.1f"
                        + " heap_live_idle_mib=%.1f heap_live_after_mib=%.1f%n",
                signals, envs.size(), concurrency, accepted, wallNanos / 1e9, rate, p50, p99, max,
                oh == null ? 0 : oh.server[0], oh == null ? 0 : oh.server[1],
                oh == null ? 0 : oh.client[0], oh == null ? 0 : oh.client[1],
                startup.rssKb / 1024.0, afterBurst.rssKb / 1024.0, startup.heapLiveKb / 1024.0,
                afterBurst.heapLiveKb / 1024.0);
        return true;
    }

    static String verdict(int failures) {
        return failures == 0 ? "yes" : "NO (" + failures + " failures)";
    }

    // ---------------------------------------------------------------- sending

    /** {@code n} environment picks: each environment equally often (the remainder to the first ones), shuffled. */
    List<String> plan(int n, long seed) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(envs.get(i % envs.size()));
        }
        Collections.shuffle(out, new Random(seed));
        return out;
    }

    /**
     * Sends the plan with {@code concurrency} workers. A worker takes the first planned signal whose environment
     * has no request in flight, numbers it (per environment, in send order), sends it and records the answer.
     */
    List<Sent> send(List<String> plan, Map<String, List<Sent>> byEnv, boolean timed) throws Exception {
        Dispatcher d = new Dispatcher(plan, byEnv);
        ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    Dispatcher.Slot slot;
                    while ((slot = d.next()) != null) {
                        Sent s = post(slot.env(), slot.seq(), timed);
                        sent.add(s);
                        byEnv.get(slot.env()).add(s);
                        d.done(slot.env());
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        }
        return accepted(sent, "signal");
    }

    /** Everything sent; each one the server did not accept is a failure. */
    List<Sent> accepted(java.util.Collection<Sent> sent, String what) {
        List<Sent> all = new ArrayList<>(sent);
        for (Sent s : all) {
            if (s.status() != 202) {
                failures.add(what + " " + s.env() + "#" + s.seq() + " was not accepted: HTTP " + s.status() + " "
                        + s.error());
            }
        }
        return all;
    }

    /**
     * Open loop: signal i is due at start + i / rate, whatever happened to the ones before it; a worker sleeps
     * until then (pacing, not synchronisation). Latency runs from the due time, so a server that falls behind is
     * charged for the wait it causes (no coordinated omission). Still at most {@code concurrency} in flight and
     * never two at once to one environment.
     */
    List<Sent> sendPaced(List<String> plan, Map<String, List<Sent>> byEnv) throws Exception {
        Dispatcher d = new Dispatcher(plan, byEnv);
        ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        long start = System.nanoTime() + 50_000_000L;
        double interval = 1e9 / pacedRate;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < plan.size()) {
                        long due = start + (long) (i * interval);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                        }
                        Dispatcher.Slot slot = d.next();
                        if (slot == null) {
                            return null;
                        }
                        Sent s = post(slot.env(), slot.seq(), true);
                        long fromDue = System.nanoTime() - due;
                        Sent late = new Sent(s.env(), s.seq(), s.status(), s.runId(), s.superseded(), fromDue,
                                s.error(), true);
                        sent.add(late);
                        byEnv.get(slot.env()).add(late);
                        d.done(slot.env());
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        }
        return accepted(sent, "paced signal");
    }

    static final class Dispatcher {
        record Slot(String env, int seq) {}

        private final Deque<String> pending;
        private final Set<String> inFlight = new HashSet<>();
        private final Map<String, List<Sent>> byEnv;

        Dispatcher(List<String> plan, Map<String, List<Sent>> byEnv) {
            this.pending = new ArrayDeque<>(plan);
            this.byEnv = byEnv;
        }

        synchronized Slot next() throws InterruptedException {
            while (true) {
                if (pending.isEmpty()) {
                    return null;
                }
                var it = pending.iterator();
                while (it.hasNext()) {
                    String env = it.next();
                    if (!inFlight.contains(env)) {
                        it.remove();
                        inFlight.add(env);
                        // byEnv holds every answered signal of this env (none in flight): the next number.
                        return new Slot(env, byEnv.get(env).size() + 1);
                    }
                }
                wait();
            }
        }

        synchronized void done(String env) {
            inFlight.remove(env);
            notifyAll();
        }
    }

    static String tag(String env, int seq) {
        return env + "-s%04d".formatted(seq);
    }

    Sent post(String env, int seq, boolean timed) {
        String tag = tag(env, seq);
        ObjectNode body = JSON.createObjectNode();
        body.put("app", app).put("env", env).put("chart", "oci://ghcr.io/acme/charts/" + app)
                .put("chart_version", "1.0.0");
        body.putObject("images").put("api", "ghcr.io/acme/" + app + "/api:" + tag)
                .put("web", "ghcr.io/acme/" + app + "/web:" + tag);
        HttpRequest req = HttpRequest.newBuilder(base.resolve("/api/v1/signals")).timeout(Duration.ofSeconds(60))
                .header("Authorization", auth).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        long t0 = System.nanoTime();
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            long nanos = System.nanoTime() - t0;
            if (r.statusCode() != 202) {
                return new Sent(env, seq, r.statusCode(), null, List.of(), nanos, r.body(), timed);
            }
            JsonNode n = JSON.readTree(r.body());
            List<String> sup = new ArrayList<>();
            n.path("superseded").forEach(x -> sup.add(x.asText()));
            return new Sent(env, seq, 202, n.path("run_id").asText(), sup, nanos, null, timed);
        } catch (IOException | InterruptedException e) {
            return new Sent(env, seq, -1, null, List.of(), System.nanoTime() - t0, e.toString(), timed);
        }
    }

    // ---------------------------------------------------------------- drain and verify

    JsonNode get(String pathAndQuery, Duration timeout) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(timeout)
                .header("Authorization", auth).GET().build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + pathAndQuery + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** Long-polls a run until it is terminal or the deadline passes; returns the last view. */
    JsonNode awaitTerminal(String runId, long deadlineNanos) throws IOException, InterruptedException {
        JsonNode run = get("/api/v1/runs/" + runId, Duration.ofSeconds(10));
        while (!run.path("terminal").asBoolean()) {
            long left = (deadlineNanos - System.nanoTime()) / 1_000_000_000L;
            if (left <= 0) {
                return run;
            }
            long wait = Math.min(30, Math.max(1, left));
            run = get("/api/v1/runs/" + runId + "?wait=" + wait + "s", Duration.ofSeconds(wait + 15));
        }
        return run;
    }

    /**
     * Waits, with a deadline, until the newest run of every environment is terminal (by long-poll), then until
     * the server lists no unfinished run at all.
     */
    void drain(Map<String, List<Sent>> byEnv, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<JsonNode>> waits = new ArrayList<>();
            for (var e : byEnv.entrySet()) {
                e.getValue().stream().filter(s -> s.runId() != null).max((a, b) -> Integer.compare(a.seq(), b.seq()))
                        .ifPresent(last -> waits.add(pool.submit(() -> awaitTerminal(last.runId(), deadline))));
            }
            for (Future<JsonNode> f : waits) {
                f.get();
            }
        }
        while (true) {
            int unfinished = 0;
            for (String status : UNFINISHED) {
                unfinished += get("/api/v1/runs?app=" + app + "&status=" + status + "&limit=500",
                        Duration.ofSeconds(10)).path("runs").size();
            }
            if (unfinished == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                failures.add(unfinished + " run(s) still unfinished " + limit.toSeconds() + " s after the signals");
                return;
            }
            Thread.sleep(200); // poll with the deadline above
        }
    }

    static final class Counts {
        int accepted, succeeded, superseded, other, invocations;
        int overlapFailures, newestFailures, lostFailures;
    }

    /** One line of a deployer log: run id, image tag, start and end in microseconds of the epoch. */
    record Invocation(String runId, String tag, long startUs, long endUs) {}

    List<Invocation> invocations(String env) throws IOException {
        Path f = deployLogs.resolve(env + ".log");
        List<Invocation> out = new ArrayList<>();
        if (!Files.exists(f)) {
            return out;
        }
        for (String line : Files.readAllLines(f)) {
            String[] p = line.trim().split(" ");
            out.add(new Invocation(p[0], p[1], Long.parseLong(p[2]), Long.parseLong(p[3])));
        }
        return out;
    }

    Counts verify(Map<String, List<Sent>> byEnv) throws Exception {
        Counts c = new Counts();
        for (var e : byEnv.entrySet()) {
            String env = e.getKey();
            List<Sent> sent = new ArrayList<>(e.getValue());
            sent.sort((a, b) -> Integer.compare(a.seq(), b.seq()));
            Map<String, Sent> byRun = new HashMap<>();
            for (Sent s : sent) {
                if (s.runId() != null) {
                    byRun.put(s.runId(), s);
                }
            }
            c.accepted += byRun.size();
            JsonNode listed = get("/api/v1/runs?app=" + app + "&env=" + URLEncoder.encode(env, StandardCharsets.UTF_8)
                    + "&limit=500", Duration.ofSeconds(30)).path("runs");
            Map<String, JsonNode> runs = new HashMap<>();
            listed.forEach(r -> runs.put(r.path("id").asText(), r));
            if (listed.size() >= 500) {
                failures.add(env + ": 500 or more runs; the bench reads only one page");
            }
            // None lost: every accepted run is listed, in a state it may end in; nothing extra appeared.
            for (Sent s : byRun.values()) {
                JsonNode r = runs.get(s.runId());
                if (r == null) {
                    c.lostFailures++;
                    failures.add(env + ": accepted run " + s.runId() + " (signal #" + s.seq() + ") is not listed");
                    continue;
                }
                String status = r.path("status").asText();
                switch (status) {
                    case "succeeded" -> c.succeeded++;
                    case "superseded" -> {
                        c.superseded++;
                        Sent by = byRun.get(r.path("superseded_by").asText(""));
                        if (by == null || by.seq() <= s.seq()) {
                            c.newestFailures++;
                            failures.add(env + ": run " + s.runId() + " (#" + s.seq() + ") superseded by "
                                    + r.path("superseded_by") + ", which is not a newer signal of this environment");
                        }
                    }
                    default -> {
                        c.other++;
                        c.lostFailures++;
                        failures.add(env + ": run " + s.runId() + " (#" + s.seq() + ") ended " + status
                                + (r.hasNonNull("error") ? ": " + r.path("error").path("summary").asText() : ""));
                    }
                }
            }
            for (String id : runs.keySet()) {
                if (!byRun.containsKey(id)) {
                    c.lostFailures++;
                    failures.add(env + ": the server lists run " + id + ", which no accepted signal created");
                }
            }
            // What each 202 said it superseded must be what the store recorded.
            for (Sent s : byRun.values()) {
                for (String old : s.superseded()) {
                    JsonNode r = runs.get(old);
                    if (r == null || !"superseded".equals(r.path("status").asText())
                            || !s.runId().equals(r.path("superseded_by").asText())) {
                        c.newestFailures++;
                        failures.add(env + ": the 202 for " + s.runId() + " said it superseded " + old
                                + ", but the store says " + (r == null ? "nothing" : r.path("status").asText()
                                + " by " + r.path("superseded_by")));
                    }
                }
            }
            // Newest wins: the last signal sent to the environment was deployed.
            Sent last = sent.isEmpty() ? null : sent.get(sent.size() - 1);
            if (last != null && last.runId() != null) {
                JsonNode r = runs.get(last.runId());
                if (r == null || !"succeeded".equals(r.path("status").asText())) {
                    c.newestFailures++;
                    failures.add(env + ": the newest signal #" + last.seq() + " (run " + last.runId() + ") ended "
                            + (r == null ? "unlisted" : r.path("status").asText()) + ", not succeeded");
                }
            }
            // The deployer's own log: one run at a time, each succeeded run exactly once, in signal order.
            List<Invocation> inv = invocations(env);
            c.invocations += inv.size();
            Set<String> deployed = new HashSet<>();
            Invocation prev = null;
            List<Invocation> byStart = new ArrayList<>(inv);
            byStart.sort((a, b) -> Long.compare(a.startUs(), b.startUs()));
            for (Invocation i : byStart) {
                if (!deployed.add(i.runId())) {
                    c.overlapFailures++;
                    failures.add(env + ": run " + i.runId() + " was deployed more than once");
                }
                JsonNode r = runs.get(i.runId());
                if (r == null || !"succeeded".equals(r.path("status").asText())) {
                    c.newestFailures++;
                    failures.add(env + ": the deployer ran for run " + i.runId() + ", which is "
                            + (r == null ? "unknown" : r.path("status").asText()));
                }
                Sent s = byRun.get(i.runId());
                if (s != null && !i.tag().endsWith(":" + tag(env, s.seq()))) {
                    c.newestFailures++;
                    failures.add(env + ": run " + i.runId() + " deployed tag " + i.tag() + ", signalled "
                            + tag(env, s.seq()));
                }
                if (prev != null) {
                    if (i.startUs() < prev.endUs()) {
                        c.overlapFailures++;
                        failures.add(env + ": deployer runs overlap: " + prev.runId() + " [" + prev.startUs() + ", "
                                + prev.endUs() + "] and " + i.runId() + " [" + i.startUs() + ", " + i.endUs() + "]");
                    }
                    Sent ps = byRun.get(prev.runId());
                    if (ps != null && s != null && s.seq() <= ps.seq()) {
                        c.newestFailures++;
                        failures.add(env + ": signal #" + s.seq() + " was deployed after the newer #" + ps.seq());
                    }
                }
                prev = i;
            }
            for (var r : runs.values()) {
                if ("succeeded".equals(r.path("status").asText()) && !deployed.contains(r.path("id").asText())) {
                    c.lostFailures++;
                    failures.add(env + ": run " + r.path("id").asText() + " succeeded but its deployer never ran");
                }
            }
        }
        return c;
    }

    // ---------------------------------------------------------------- controller overhead

    static final class Overhead {
        int runs;
        double[] server, queue, prep, finish, client, step, self;
    }

    /**
     * Sends one signal at a time, each to an idle environment (round robin), follows it to the end by long-poll,
     * and takes the deployer's time out: the step's start and end as Pier recorded them around the process
     * (spawn to exit), and the deployer's own measurement of its work inside.
     */
    Overhead overhead() throws Exception {
        log("controller overhead: " + overhead + " single runs on idle environments (deployer without sleep)");
        List<Long> server = new ArrayList<>(), queue = new ArrayList<>(), prep = new ArrayList<>(),
                finish = new ArrayList<>(), client = new ArrayList<>(), step = new ArrayList<>(),
                self = new ArrayList<>();
        Map<String, Integer> seqs = new HashMap<>();
        for (int i = 0; i < overhead; i++) {
            String env = envs.get(i % envs.size());
            // Continue the environment's numbering past the burst (tags stay unique and increasing).
            int seq = seqs.merge(env, 1, Integer::sum) + 100_000;
            long t0 = System.nanoTime();
            Sent s = post(env, seq, false);
            if (s.status() != 202) {
                failures.add("overhead: signal to " + env + " not accepted: HTTP " + s.status() + " " + s.error());
                continue;
            }
            if (!s.superseded().isEmpty()) {
                failures.add("overhead: " + env + " was not idle: " + s.superseded() + " superseded");
            }
            JsonNode run = awaitTerminal(s.runId(), System.nanoTime() + 60_000_000_000L);
            long t2 = System.nanoTime();
            if (!"succeeded".equals(run.path("status").asText())) {
                failures.add("overhead: run " + s.runId() + " ended " + run.path("status").asText());
                continue;
            }
            Map<String, Instant> at = new HashMap<>();
            run.path("history").forEach(h -> at.putIfAbsent(h.path("to").asText(), Instant.parse(h.path("at").asText())));
            JsonNode st = run.path("steps");
            if (st.size() != 1 || !at.containsKey("queued") || !at.containsKey("deploying")
                    || !at.containsKey("succeeded")) {
                failures.add("overhead: run " + s.runId() + " lacks history or steps: " + run.path("history") + " "
                        + st);
                continue;
            }
            Instant stepStart = Instant.parse(st.get(0).path("started_at").asText());
            Instant stepEnd = Instant.parse(st.get(0).path("ended_at").asText());
            long stepNs = Duration.between(stepStart, stepEnd).toNanos();
            long totalNs = Duration.between(at.get("queued"), at.get("succeeded")).toNanos();
            server.add(totalNs - stepNs);
            queue.add(Duration.between(at.get("queued"), at.get("deploying")).toNanos());
            prep.add(Duration.between(at.get("deploying"), stepStart).toNanos());
            finish.add(Duration.between(stepEnd, at.get("succeeded")).toNanos());
            client.add((t2 - t0) - stepNs);
            step.add(stepNs);
            Invocation mine = invocations(env).stream().filter(x -> x.runId().equals(s.runId())).findFirst()
                    .orElse(null);
            if (mine == null) {
                failures.add("overhead: no deployer log line for run " + s.runId());
            } else {
                self.add((mine.endUs() - mine.startUs()) * 1000);
            }
        }
        Overhead o = new Overhead();
        o.runs = server.size();
        o.server = stats(server);
        o.queue = stats(queue);
        o.prep = stats(prep);
        o.finish = stats(finish);
        o.client = stats(client);
        o.step = stats(step);
        o.self = stats(self);
        return o;
    }

    static double[] stats(List<Long> nanos) {
        long[] a = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return new double[] {ms(pct(a, 50)), ms(pct(a, 99)), ms(a.length == 0 ? 0 : a[a.length - 1])};
    }

    /** Nearest-rank percentile of a sorted array. */
    static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    // ---------------------------------------------------------------- memory, metrics, load

    record Memory(String when, long rssKb, long hwmKb, long heapUsedKb, long heapLiveKb, long heapCommittedKb) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: RSS %.1f MiB; heap used %.1f MiB, live after a full GC %.1f MiB,"
                    + " %.1f MiB committed; peak RSS so far %.1f MiB", when, rssKb / 1024.0, heapUsedKb / 1024.0,
                    heapLiveKb / 1024.0, heapCommittedKb / 1024.0, hwmKb / 1024.0);
        }
    }

    /** RSS from /proc (read first, so jcmd's attach cannot add to it), then the heap from {@code jcmd GC.heap_info}. */
    Memory memory(String when, int settleMillis) throws Exception {
        if (settleMillis > 0) {
            Thread.sleep(settleMillis); // a fixed idle period before sampling, stated in the output
        }
        long rss = 0, hwm = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
            } else if (line.startsWith("VmHWM:")) {
                hwm = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        long[] before = {0, 0}, live = {0, 0};
        if (jcmd != null && !jcmd.isBlank()) {
            before = heap();
            jcmd("GC.run"); // a full collection, so that "live" is what the server keeps, not garbage
            live = heap();
        }
        Memory m = new Memory(when + (settleMillis > 0 ? " (idle " + settleMillis / 1000.0 + " s)" : ""), rss, hwm,
                before[0], live[0], live[1]);
        log("memory " + m);
        return m;
    }

    String jcmd(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("jcmd " + command + " failed: " + out);
        }
        return out;
    }

    /** {used, committed} KiB of the Java heap, from {@code jcmd GC.heap_info}. */
    long[] heap() throws IOException, InterruptedException {
        String out = jcmd("GC.heap_info");
        // Serial GC prints one line per generation: "DefNew  total 116160K, used 23147K [...]", "Tenured ...".
        Matcher m = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(out);
        long used = 0, committed = 0;
        while (m.find()) {
            committed += Long.parseLong(m.group(1));
            used += Long.parseLong(m.group(2));
        }
        if (committed == 0) {
            log("jcmd GC.heap_info gave no generation sizes:\n" + out);
        }
        return new long[] {used, committed};
    }

    String metricsSummary() throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(base.resolve("/metrics")).timeout(Duration.ofSeconds(30)).GET().build();
        String text = http.send(req, HttpResponse.BodyHandlers.ofString()).body();
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("pier_signals_total{outcome=\"accepted\"}")
                    || (line.startsWith("pier_runs{") && !line.endsWith(" 0.0"))) {
                out.add(line.replace("pier_", ""));
            }
        }
        return String.join(", ", out);
    }

    /** CPU seconds so far: {@code [server, its reaped children (the deployers), this client]}. */
    double[] cpu() {
        double server = 0, children = 0;
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields 14-17 of proc(5), counted from the state field (3): utime stime cutime cstime, in ticks
            server = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
            children = (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0;
        } catch (IOException | RuntimeException e) {
            // leave zeros: the report says so
        }
        double client = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
        return new double[] {server, children, client};
    }

    static String loadAverage() {
        try {
            String[] p = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return p[0] + ", " + p[1] + ", " + p[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static void log(String msg) {
        System.err.println("bench: " + msg);
    }
}
