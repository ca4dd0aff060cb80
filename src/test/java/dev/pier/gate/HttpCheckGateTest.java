package dev.pier.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.pier.config.EnvironmentControls.HttpCheck;
import dev.pier.pipeline.Cancellation;
import dev.pier.pipeline.LogSink;
import dev.pier.pipeline.PostDeployCheck;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The post-deploy check against a real loopback HTTP server. */
class HttpCheckGateTest {

    HttpServer server;
    final AtomicInteger calls = new AtomicInteger();
    volatile int okAfter = 0;
    final List<String> log = new CopyOnWriteArrayList<>();
    final LogSink sink = (stream, text) -> log.add(text);
    final HttpCheckGate gate = HttpCheckGate.standard(Clock.systemUTC());

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/health", exchange -> {
            int n = calls.incrementAndGet();
            exchange.sendResponseHeaders(n > okAfter ? 200 : 503, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
    }

    @Test
    void passes_once_the_service_answers_the_expected_status() {
        okAfter = 2;
        PostDeployCheck.Result r = gate.run(new HttpCheck(url(), 200, Duration.ofSeconds(20), Duration.ofMillis(20)),
                url(), new Cancellation(), sink);

        assertThat(r.passed()).as(r.summary()).isTrue();
        assertThat(calls.get()).isEqualTo(3);
        assertThat(log).hasSize(2).allMatch(l -> l.contains("answered 503"));
    }

    @Test
    void fails_with_the_last_answer_when_the_deadline_passes() {
        okAfter = Integer.MAX_VALUE;
        PostDeployCheck.Result r = gate.run(new HttpCheck(url(), 200, Duration.ofMillis(300), Duration.ofMillis(50)),
                url(), new Cancellation(), sink);

        assertThat(r.passed()).isFalse();
        assertThat(r.summary()).contains("did not answer 200").contains("last: answered 503");
    }

    @Test
    void a_refused_connection_and_a_non_http_url_fail_clearly() {
        server.stop(0);
        PostDeployCheck.Result down = gate.run(new HttpCheck(url(), 200, Duration.ofMillis(200), Duration.ofMillis(50)),
                url(), new Cancellation(), sink);
        assertThat(down.passed()).isFalse();
        assertThat(down.summary()).contains("ConnectException");
        PostDeployCheck.Result bad = gate.run(new HttpCheck("file:///etc/passwd", 200, Duration.ofSeconds(1),
                Duration.ofMillis(50)), "file:///etc/passwd", new Cancellation(), sink);
        assertThat(bad.passed()).isFalse();
        assertThat(bad.summary()).contains("not an http(s) URL");
    }

    @Test
    void cancellation_ends_the_wait_at_once() throws Exception {
        okAfter = Integer.MAX_VALUE;
        Cancellation cancel = new Cancellation();
        CompletableFuture<PostDeployCheck.Result> running = CompletableFuture.supplyAsync(() -> gate.run(
                new HttpCheck(url(), 200, Duration.ofMinutes(5), Duration.ofSeconds(30)), url(), cancel, sink));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() >= 1);
        cancel.cancel("test");

        assertThat(running.get(10, java.util.concurrent.TimeUnit.SECONDS).passed()).isFalse();
    }
}
