package dev.pier.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.pier.oci.OciException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bearer-token challenge flow: a test token server issues tokens, the proxy in front of the real registry
 * demands them. Credentials go to the realm only on the registry's host or an allow-listed one.
 */
class BearerAuthTest {
    static final String USER = "robot";
    static final String PASSWORD = "t0ken-server-Pa55";

    @RegisterExtension
    static final RegistryServer REGISTRY = RegistryServer.anonymous();

    record TokenRequest(String authorization, String query) {}

    HttpServer tokenServer;
    final List<TokenRequest> tokenRequests = new CopyOnWriteArrayList<>();
    final Set<String> issued = ConcurrentHashMap.newKeySet();
    final AtomicInteger counter = new AtomicInteger();
    volatile boolean requireCredentials;
    FaultProxy proxy;

    @BeforeAll
    static void seed() throws Exception {
        try (RegistryClient direct = RegistryClient.builder(RegistryEndpoint.loopbackHttp(REGISTRY.host())).build()) {
            RegistryClientTest.pushImage(direct, "acme/app", "v1", Blobs.random(10, 1));
        }
    }

    @BeforeEach
    void start() throws Exception {
        tokenServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        tokenServer.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        tokenServer.createContext("/token", ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            tokenRequests.add(new TokenRequest(auth, URLDecoder.decode(
                    String.valueOf(ex.getRequestURI().getRawQuery()), StandardCharsets.UTF_8)));
            byte[] body;
            int status;
            if (requireCredentials && auth == null) {
                status = 401;
                body = "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"credentials required\"}]}".getBytes();
            } else {
                String token = "tok-" + counter.incrementAndGet();
                issued.add(token);
                status = 200;
                body = ("{\"token\":\"" + token + "\",\"expires_in\":300}").getBytes(StandardCharsets.UTF_8);
            }
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        tokenServer.start();
        proxy = FaultProxy.start(REGISTRY.base());
    }

    @AfterEach
    void stop() {
        proxy.close();
        tokenServer.stop(0);
    }

    private String realm(String host) {
        return "http://" + host + ":" + tokenServer.getAddress().getPort() + "/token";
    }

    private RegistryClient client(Clock clock, Set<String> allowed) {
        return RegistryClient.builder(RegistryEndpoint.loopbackHttp(proxy.host()))
                .credentials(new Credentials(USER, PASSWORD)).allowTokenHosts(allowed)
                .retry(RetryPolicy.none()).clock(clock).build();
    }

    @Test
    void fetches_a_token_per_scope_with_the_credentials_and_caches_it() throws Exception {
        proxy.requireBearer(realm("127.0.0.1"), issued::contains);
        try (RegistryClient c = client(Clock.systemUTC(), Set.of())) {
            c.ping();
            c.manifest("acme/app", "v1");
            c.manifest("acme/app", "v1");
            assertThat(c.resolve("acme/app", "v1")).isPresent();
            assertThat(c.tags("acme/app")).contains("v1");
        }
        assertThat(tokenRequests).extracting(TokenRequest::query)
                .containsExactly("service=pier-test&scope=repository:x:pull", "service=pier-test&scope=repository:acme/app:pull");
        assertThat(tokenRequests).allSatisfy(r -> assertThat(r.authorization()).startsWith("Basic "));
        assertThat(proxy.authorizations).filteredOn(a -> a.startsWith("Basic")).isEmpty();
    }

    @Test
    void a_push_asks_for_a_push_scope() throws Exception {
        proxy.requireBearer(realm("127.0.0.1"), issued::contains);
        try (RegistryClient c = client(Clock.systemUTC(), Set.of())) {
            c.putManifest("acme/app", "v2", Blobs.manifest(Blobs.random(10, 1), null, null, 0), Blobs.OCI_MANIFEST);
        }
        assertThat(tokenRequests).extracting(TokenRequest::query)
                .containsExactly("service=pier-test&scope=repository:acme/app:pull,push");
    }

    @Test
    void a_token_is_fetched_again_after_it_expires() throws Exception {
        proxy.requireBearer(realm("127.0.0.1"), issued::contains);
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (RegistryClient c = client(clock, Set.of())) {
            c.manifest("acme/app", "v1");
            clock.advance(Duration.ofSeconds(200));
            c.manifest("acme/app", "v1");
            assertThat(tokenRequests).hasSize(1);
            clock.advance(Duration.ofSeconds(200));
            issued.clear();
            c.manifest("acme/app", "v1");
        }
        assertThat(tokenRequests).hasSize(2);
    }

    @Test
    void credentials_are_not_sent_to_a_realm_on_another_host() throws Exception {
        proxy.requireBearer(realm("localhost"), issued::contains);
        try (RegistryClient c = client(Clock.systemUTC(), Set.of())) {
            c.manifest("acme/app", "v1");
        }
        assertThat(tokenRequests).isNotEmpty().allSatisfy(r -> assertThat(r.authorization()).isNull());
    }

    @Test
    void a_realm_on_another_host_that_needs_credentials_fails_with_a_hint_and_no_secret() {
        requireCredentials = true;
        proxy.requireBearer(realm("localhost"), issued::contains);
        try (RegistryClient c = client(Clock.systemUTC(), Set.of())) {
            assertThatThrownBy(() -> c.manifest("acme/app", "v1"))
                    .isInstanceOf(OciException.class)
                    .hasMessageContaining("401 UNAUTHORIZED: credentials required")
                    .hasMessageContaining("credentials were not sent to the token realm on localhost")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PASSWORD));
        }
        assertThat(tokenRequests).allSatisfy(r -> assertThat(r.authorization()).isNull());
    }

    @Test
    void an_allow_listed_token_host_receives_the_credentials() throws Exception {
        requireCredentials = true;
        proxy.requireBearer(realm("localhost"), issued::contains);
        try (RegistryClient c = client(Clock.systemUTC(), Set.of("localhost"))) {
            c.manifest("acme/app", "v1");
        }
        assertThat(tokenRequests).singleElement().satisfies(r -> assertThat(r.authorization()).startsWith("Basic "));
    }

    @Test
    void a_redirect_to_another_origin_carries_no_token() throws Exception {
        byte[] layer = Blobs.random(10, 1);
        try (FaultProxy storage = FaultProxy.start(REGISTRY.base())) {
            proxy.requireBearer(realm("127.0.0.1"), issued::contains);
            proxy.redirect("GET", "/blobs/", 1, storage.base());
            try (RegistryClient c = client(Clock.systemUTC(), Set.of())) {
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                c.blob("acme/app", Blobs.digest(layer), layer.length, out);
                assertThat(out.toByteArray()).isEqualTo(layer);
            }
            assertThat(storage.authorizations).containsExactly("");
            assertThat(proxy.authorizations).filteredOn(a -> a.startsWith("Bearer tok-")).isNotEmpty();
        }
    }

    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
