package dev.pier.oci.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A loopback HTTP proxy in front of the real registry that injects faults: error statuses (with Retry-After in
 * any form), reset connections, truncated and corrupted bodies, tag pages with Link headers, redirects, and a
 * bearer-token gate. Each fault applies to the requests it matches, a given number of times.
 */
final class FaultProxy implements AutoCloseable {
    private static final Set<String> REQUEST_SKIP = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive", "http2-settings");
    private static final Set<String> RESPONSE_SKIP = Set.of("content-length", "transfer-encoding", "connection", "date");

    enum Kind { STATUS, RESET, TRUNCATE, CORRUPT, PAGINATE_TAGS, REDIRECT_TO_TARGET, STRIP_DIGEST, STALL, LOSE_ANSWER }

    static final class Fault {
        final String method;
        final Pattern path;
        final Kind kind;
        int remaining;
        int status;
        Map<String, String> headers = Map.of();
        String body = "";
        int pageSize;
        URI redirectBase;

        Fault(String method, String pathRegex, Kind kind, int times) {
            this.method = method;
            this.path = Pattern.compile(pathRegex);
            this.kind = kind;
            this.remaining = times;
        }

        boolean matches(String m, String p) {
            return remaining > 0 && (method == null || method.equals(m)) && path.matcher(p).find();
        }
    }

    private final HttpServer server;
    private final URI target;
    private final HttpClient http;
    private final Consumer<String> log;
    private final List<Fault> faults = new ArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Boolean> stripDigest = ThreadLocal.withInitial(() -> false);
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    private volatile String bearerRealm;
    private volatile Predicate<String> bearerValid;

    private FaultProxy(URI target, Consumer<String> log) throws IOException {
        this.target = target;
        this.log = log;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    static FaultProxy start(URI target) throws IOException {
        return new FaultProxy(target, s -> {});
    }

    static FaultProxy start(URI target, Consumer<String> log) throws IOException {
        return new FaultProxy(target, log);
    }

    String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    URI base() {
        return URI.create("http://" + host());
    }

    /** Answers {@code status} (with headers and body) to {@code times} matching requests. */
    FaultProxy status(String method, String pathRegex, int times, int status, Map<String, String> headers, String body) {
        Fault f = new Fault(method, pathRegex, Kind.STATUS, times);
        f.status = status;
        f.headers = headers;
        f.body = body;
        return add(f);
    }

    FaultProxy fault(String method, String pathRegex, int times, Kind kind) {
        return add(new Fault(method, pathRegex, kind, times));
    }

    /** Redirects matching requests to the same path on {@code base}. */
    FaultProxy redirect(String method, String pathRegex, int times, URI base) {
        Fault f = new Fault(method, pathRegex, Kind.REDIRECT_TO_TARGET, times);
        f.redirectBase = base;
        return add(f);
    }

    FaultProxy paginateTags(int pageSize) {
        Fault f = new Fault("GET", "/tags/list", Kind.PAGINATE_TAGS, Integer.MAX_VALUE);
        f.pageSize = pageSize;
        return add(f);
    }

    /** Every request needs {@code Authorization: Bearer <valid token>}; others get a challenge to {@code realm}. */
    FaultProxy requireBearer(String realm, Predicate<String> valid) {
        this.bearerRealm = realm;
        this.bearerValid = valid;
        return this;
    }

    private synchronized FaultProxy add(Fault f) {
        faults.add(f);
        return this;
    }

    private synchronized Fault take(String method, String path) {
        for (Fault f : faults) {
            if (f.matches(method, path)) {
                f.remaining--;
                return f;
            }
        }
        return null;
    }

    private void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath();
        String query = ex.getRequestURI().getRawQuery();
        String pathQuery = path + (query == null ? "" : "?" + query);
        log.accept(method + " " + pathQuery);
        byte[] requestBody = ex.getRequestBody().readAllBytes();
        String authorization = ex.getRequestHeaders().getFirst("Authorization");
        authorizations.add(authorization == null ? "" : authorization);
        try {
            if (bearerRealm != null) {
                String token = authorization != null && authorization.startsWith("Bearer ")
                        ? authorization.substring("Bearer ".length()) : null;
                if (token == null || !bearerValid.test(token)) {
                    ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"" + bearerRealm
                            + "\",service=\"pier-test\",scope=\"repository:x:pull\"");
                    send(ex, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}"
                            .getBytes(StandardCharsets.UTF_8));
                    return;
                }
            }
            Fault fault = take(method, path);
            if (fault == null) {
                Forwarded r = forward(method, pathQuery, ex, requestBody);
                reply(ex, method, r, r.body);
                return;
            }
            switch (fault.kind) {
                case STATUS -> {
                    fault.headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
                    send(ex, fault.status, fault.body.getBytes(StandardCharsets.UTF_8));
                }
                case RESET -> ex.close();
                case TRUNCATE -> {
                    Forwarded r = forward(method, pathQuery, ex, requestBody);
                    copyHeaders(ex, r);
                    ex.sendResponseHeaders(r.status, r.body.length);
                    OutputStream out = ex.getResponseBody();
                    out.write(r.body, 0, r.body.length / 2);
                    out.flush();
                    ex.close();
                }
                case CORRUPT -> {
                    Forwarded r = forward(method, pathQuery, ex, requestBody);
                    byte[] body = r.body.clone();
                    if (body.length > 0) {
                        body[body.length / 2] ^= 0x55;
                    }
                    reply(ex, method, r, body);
                }
                case REDIRECT_TO_TARGET -> {
                    ex.getResponseHeaders().add("Location", (fault.redirectBase == null ? target : fault.redirectBase) + pathQuery);
                    send(ex, 307, new byte[0]);
                }
                case PAGINATE_TAGS -> paginate(ex, fault.pageSize, path, query);
                case LOSE_ANSWER -> {
                    forward(method, pathQuery, ex, requestBody);
                    send(ex, 500, new byte[0]);
                }
                case STALL -> {
                    Forwarded r = forward(method, pathQuery, ex, requestBody);
                    copyHeaders(ex, r);
                    ex.sendResponseHeaders(r.status, r.body.length);
                    OutputStream out = ex.getResponseBody();
                    out.write(r.body, 0, r.body.length / 2);
                    out.flush();
                    closed.await(20, java.util.concurrent.TimeUnit.SECONDS);
                    ex.close();
                }
                case STRIP_DIGEST -> {
                    Forwarded r = forward(method, pathQuery, ex, requestBody);
                    stripDigest.set(true);
                    try {
                        reply(ex, method, r, r.body);
                    } finally {
                        stripDigest.set(false);
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            ex.close();
        }
    }

    private void paginate(HttpExchange ex, int pageSize, String path, String query) throws IOException, InterruptedException {
        Forwarded all = forward("GET", path, ex, new byte[0]);
        String json = new String(all.body, StandardCharsets.UTF_8);
        List<String> tags = new ArrayList<>();
        var matcher = Pattern.compile("\"tags\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(json);
        if (matcher.find()) {
            for (String t : matcher.group(1).split(",")) {
                if (!t.isBlank()) {
                    tags.add(t.trim().replace("\"", ""));
                }
            }
        }
        Collections.sort(tags);
        String last = null;
        if (query != null) {
            for (String kv : query.split("&")) {
                if (kv.startsWith("last=")) {
                    last = URLDecoder.decode(kv.substring(5), StandardCharsets.UTF_8);
                }
            }
        }
        int from = 0;
        if (last != null) {
            from = tags.indexOf(last) + 1;
        }
        List<String> page = tags.subList(from, Math.min(tags.size(), from + pageSize));
        if (from + pageSize < tags.size()) {
            // an absolute Link, as some registries write it
            ex.getResponseHeaders().add("Link", "<" + base() + path + "?last="
                    + URLEncoder.encode(page.get(page.size() - 1), StandardCharsets.UTF_8) + ">; rel=\"next\"");
        }
        StringBuilder body = new StringBuilder("{\"name\":\"x\",\"tags\":[");
        for (int i = 0; i < page.size(); i++) {
            body.append(i == 0 ? "" : ",").append('"').append(page.get(i)).append('"');
        }
        ex.getResponseHeaders().add("Content-Type", "application/json");
        send(ex, 200, body.append("]}").toString().getBytes(StandardCharsets.UTF_8));
    }

    private record Forwarded(int status, java.net.http.HttpHeaders headers, byte[] body) {}

    private Forwarded forward(String method, String pathQuery, HttpExchange ex, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target + pathQuery)).timeout(Duration.ofSeconds(20));
        ex.getRequestHeaders().forEach((name, values) -> {
            if (!REQUEST_SKIP.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> b.header(name, v));
            }
        });
        b.method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Forwarded(r.statusCode(), r.headers(), r.body());
    }

    private void copyHeaders(HttpExchange ex, Forwarded r) {
        r.headers.map().forEach((name, values) -> {
            if (!RESPONSE_SKIP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")
                    && !(stripDigest.get() && name.equalsIgnoreCase("Docker-Content-Digest"))) {
                for (String v : values) {
                    ex.getResponseHeaders().add(name, name.equalsIgnoreCase("Location") ? v.replace(target.toString(), base().toString()) : v);
                }
            }
        });
    }

    private void reply(HttpExchange ex, String method, Forwarded r, byte[] body) throws IOException {
        copyHeaders(ex, r);
        if (method.equals("HEAD")) {
            r.headers.firstValue("Content-Length").ifPresent(v -> ex.getResponseHeaders().set("Content-Length", v));
            ex.sendResponseHeaders(r.status, -1);
            ex.close();
            return;
        }
        send(ex, r.status, body);
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        boolean empty = body.length == 0 || status == 204 || status == 304 || ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, empty ? -1 : body.length);
        if (!empty) {
            ex.getResponseBody().write(body);
        }
        ex.close();
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        http.close();
    }
}
