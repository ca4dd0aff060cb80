package dev.pier.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Not Argo CD: a loopback stand-in that speaks the request and response shapes Argo CD documents for
 * {@code GET /api/v1/applications/{name}}, {@code PATCH} with an {@code ApplicationPatchRequest} (merge patches
 * applied per RFC 7386), and {@code POST …/sync} with an {@code ApplicationSyncRequest}; errors are grpc-gateway's
 * {@code {"error", "code", "message"}}. It checks the bearer token on every call and, after a sync, walks the
 * application through the states Argo CD reports: an operation Running while OutOfSync/Progressing, then the
 * operation's end and the health that follows, as the scenario says.
 */
public final class FakeArgoCd implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Scenario { HEALTHY, DEGRADED, SYNC_FAILED }

    /** One request: method, path and query, Authorization header, body. */
    public record Received(String method, String target, String authorization, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError(body, e);
            }
        }
    }

    private final String token;
    private final String name;
    private final Scenario scenario;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private ObjectNode app;
    private int readsSinceSync = -1;
    private String operationStarted;

    public FakeArgoCd(String token, String name, Scenario scenario) throws IOException {
        this.token = token;
        this.name = name;
        this.scenario = scenario;
        this.app = initial(name);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(threads);
        server.createContext("/api/v1/applications/", this::handle);
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> received(String method) {
        return received.stream().filter(r -> r.method().equals(method)).toList();
    }

    public synchronized JsonNode application() {
        return app.deepCopy();
    }

    /** A Helm application on a chart in GHCR, synced and healthy on an older release. */
    private static ObjectNode initial(String name) {
        try {
            return (ObjectNode) JSON.readTree("""
                    {"metadata": {"name": "%s", "namespace": "argocd"},
                     "spec": {"project": "default",
                              "source": {"repoURL": "ghcr.io/acme/charts", "chart": "pytoya", "targetRevision": "0.0.9",
                                         "helm": {"parameters": [{"name": "replicaCount", "value": "2"},
                                                                 {"name": "api.image", "value": "ghcr.io/acme/pytoya/api:old"}]},
                                         "kustomize": {"images": ["nginx:1.25", "ghcr.io/org/pytoya/web:old"]}},
                              "destination": {"server": "https://kubernetes.default.svc", "namespace": "pytoya"}},
                     "status": {"sync": {"status": "Synced", "revision": "0.0.9"},
                                "health": {"status": "Healthy"},
                                "operationState": {"phase": "Succeeded", "message": "successfully synced (all tasks run)",
                                                   "startedAt": "2024-01-01T00:00:00Z", "finishedAt": "2024-01-01T00:00:09Z"}}}
                    """.formatted(name));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String target = ex.getRequestURI().getRawPath()
                    + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            received.add(new Received(ex.getRequestMethod(), target, auth, body));
            String path = ex.getRequestURI().getPath();
            int status;
            JsonNode out;
            synchronized (this) {
                if (!("Bearer " + token).equals(auth)) {
                    status = 401;
                    out = error(16, "invalid session: token signature is invalid");
                } else if (!path.startsWith("/api/v1/applications/" + name)) {
                    status = 403;
                    out = error(7, "permission denied");
                } else if (ex.getRequestMethod().equals("GET")) {
                    status = 200;
                    out = read();
                } else if (ex.getRequestMethod().equals("PATCH")) {
                    JsonNode req = JSON.readTree(body);
                    if (!"merge".equals(req.path("patchType").asText())) {
                        status = 400;
                        out = error(3, "unsupported patch type");
                    } else {
                        app = (ObjectNode) mergePatch(app, JSON.readTree(req.path("patch").asText()));
                        status = 200;
                        out = app;
                    }
                } else if (path.endsWith("/sync") && ex.getRequestMethod().equals("POST")) {
                    if (app.hasNonNull("operation")) {
                        status = 400;
                        out = error(9, "another operation is already in progress");
                    } else {
                        ObjectNode op = app.putObject("operation");
                        op.putObject("sync").setAll((ObjectNode) JSON.readTree(body));
                        readsSinceSync = 0;
                        operationStarted = Instant.now().toString();
                        status = 200;
                        out = app;
                    }
                } else {
                    status = 404;
                    out = error(5, "not found");
                }
            }
            byte[] bytes = JSON.writeValueAsBytes(out);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, bytes.length);
            ex.getResponseBody().write(bytes);
        }
    }

    /** Each read after a sync moves the application one step, as Argo CD's controller would between reads. */
    private JsonNode read() {
        if (readsSinceSync >= 0) {
            readsSinceSync++;
            ObjectNode status = (ObjectNode) app.get("status");
            ObjectNode op = status.putObject("operationState");
            op.put("startedAt", operationStarted);
            if (readsSinceSync == 1) {
                op.put("phase", "Running").put("message", "waiting for healthy state of apps/Deployment/api");
                status.putObject("sync").put("status", "OutOfSync");
                status.putObject("health").put("status", "Progressing");
            } else {
                app.remove("operation");
                ended(status, op);
            }
        }
        return app;
    }

    private void ended(ObjectNode status, ObjectNode op) {
        switch (scenario) {
            case SYNC_FAILED -> {
                op.put("phase", "Failed").put("message", "one or more objects failed to apply, reason: Deployment.apps"
                        + " \"api\" is invalid: spec.template.spec.containers[0].image: Invalid value");
                op.putObject("syncResult").putArray("resources").addObject().put("kind", "Deployment")
                        .put("name", "api").put("status", "SyncFailed").put("message", "Deployment.apps \"api\" is invalid");
                status.putObject("sync").put("status", "OutOfSync");
                status.putObject("health").put("status", "Healthy");
            }
            case DEGRADED -> {
                op.put("phase", "Succeeded").put("message", "successfully synced (all tasks run)");
                status.putObject("sync").put("status", "Synced");
                boolean later = readsSinceSync > 2;
                status.putObject("health").put("status", later ? "Degraded" : "Progressing");
                if (later) {
                    status.putArray("resources").addObject().put("kind", "Deployment").put("name", "api")
                            .putObject("health").put("status", "Degraded")
                            .put("message", "Deployment \"api\" exceeded its progress deadline");
                }
            }
            case HEALTHY -> {
                op.put("phase", "Succeeded").put("message", "successfully synced (all tasks run)");
                status.putObject("sync").put("status", "Synced");
                status.putObject("health").put("status", readsSinceSync > 2 ? "Healthy" : "Progressing");
                status.putObject("summary").putArray("externalURLs").add("https://pytoya.acme.example");
            }
        }
    }

    /** RFC 7386: objects merge member by member, null deletes, anything else (arrays too) replaces. */
    static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode t = target != null && target.isObject() ? (ObjectNode) target : JSON.createObjectNode();
        patch.properties().forEach(e -> {
            if (e.getValue().isNull()) {
                t.remove(e.getKey());
            } else {
                t.set(e.getKey(), mergePatch(t.get(e.getKey()), e.getValue()));
            }
        });
        return t;
    }

    private static ObjectNode error(int code, String message) {
        return JSON.createObjectNode().put("error", message).put("code", code).put("message", message);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
