package dev.pier.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A deploy controller like seed 001's "Lightway", on a loopback port, that receives Pier's webhook deployer the way
 * the README tells receivers to: it checks {@code X-Pier-Signature} (401 on a bad one), refuses timestamps more than
 * five minutes off (401) and a {@code delivery} it has seen (409), then answers the deploy POST and the status GETs
 * from a script. It can also never answer at all.
 */
public final class FakeLightway implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as received, with its headers (lower-case names) and body. */
    public record Received(String method, String target, Map<String, String> headers, String body, int answered) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError(body, e);
            }
        }
    }

    /** A scripted answer. */
    public record Answer(int status, String body) {}

    private final String key;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Set<String> deliveries = ConcurrentHashMap.newKeySet();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile Answer deployAnswer = new Answer(202, "{\"status_url\": \"/deploys/1\", \"status\": \"queued\"}");
    private volatile List<Answer> statusAnswers = List.of(new Answer(200, "{\"status\": \"succeeded\"}"));
    private volatile boolean neverAnswer;
    private int statusReads;

    public FakeLightway(String key) throws IOException {
        this.key = key;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/deploy");
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public FakeLightway answerDeploy(int status, String body) {
        deployAnswer = new Answer(status, body);
        return this;
    }

    /** Answers to successive status GETs; the last one repeats. */
    public synchronized FakeLightway answerStatus(Answer... answers) {
        statusAnswers = List.of(answers);
        statusReads = 0;
        return this;
    }

    /** Accept connections, read requests, never answer (until closed). */
    public FakeLightway neverAnswer() {
        neverAnswer = true;
        return this;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> received(String method) {
        return received.stream().filter(r -> r.method().equals(method)).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new TreeMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            String target = ex.getRequestURI().getRawPath()
                    + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
            if (neverAnswer) {
                received.add(new Received(ex.getRequestMethod(), target, headers, body, 0));
                released.await();
                return;
            }
            Answer a = answer(ex.getRequestMethod(), target, headers, body);
            received.add(new Received(ex.getRequestMethod(), target, headers, body, a.status()));
            byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
            ex.getResponseBody().write(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Answer answer(String method, String target, Map<String, String> headers, String body) {
        String ts = headers.get("x-pier-timestamp");
        String content = method.equals("GET") ? target : body;
        if (ts == null || !Hmac.verify(key, ts, content, headers.get("x-pier-signature"))) {
            return new Answer(401, "{\"error\": \"bad signature\"}");
        }
        if (Math.abs(Instant.now().getEpochSecond() - Long.parseLong(ts)) > 300) {
            return new Answer(401, "{\"error\": \"stale timestamp\"}");
        }
        if (method.equals("POST")) {
            String delivery;
            try {
                delivery = JSON.readTree(body).path("delivery").asText("");
            } catch (IOException e) {
                return new Answer(400, "{\"error\": \"not JSON\"}");
            }
            if (!deliveries.add(delivery)) {
                return new Answer(409, "{\"error\": \"replayed delivery " + delivery + "\"}");
            }
            return deployAnswer;
        }
        synchronized (this) {
            List<Answer> script = new ArrayList<>(statusAnswers);
            return script.get(Math.min(statusReads++, script.size() - 1));
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
