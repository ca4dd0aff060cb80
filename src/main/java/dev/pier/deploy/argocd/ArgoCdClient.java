package dev.pier.deploy.argocd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.config.DeployerSpec;
import dev.pier.deploy.http.ControllerHttp;
import dev.pier.deploy.http.ControllerHttp.Answer;
import dev.pier.pipeline.CancelledException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The three Argo CD API calls the deployer makes, as documented: {@code GET /api/v1/applications/{name}},
 * {@code PATCH} of the same with an {@code ApplicationPatchRequest} ({@code patchType: merge}), and
 * {@code POST …/sync} with an {@code ApplicationSyncRequest}. The bearer token goes only to the configured server.
 */
final class ArgoCdClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeployerSpec.ArgoCd spec;
    private final String token;
    private final ControllerHttp io;

    ArgoCdClient(DeployerSpec.ArgoCd spec, String token, ControllerHttp io) {
        this.spec = spec;
        this.token = token;
        this.io = io;
    }

    /** An answer that ends the deploy (refused, not found, invalid), or one worth retrying ({@code transient}). */
    static final class ArgoCdException extends Exception {
        final int status;
        final boolean transientError;

        ArgoCdException(int status, String message, boolean transientError) {
            super(message);
            this.status = status;
            this.transientError = transientError;
        }
    }

    URI applicationUrl() {
        return url("", true);
    }

    URI syncUrl() {
        return url("/sync", false);
    }

    URI patchUrl() {
        return url("", false);
    }

    JsonNode get(Duration timeout) throws ArgoCdException, IOException, CancelledException {
        return call("reading", request(applicationUrl()).GET(), timeout);
    }

    JsonNode patch(String mergePatch, Duration timeout) throws ArgoCdException, IOException, CancelledException {
        ObjectNode body = scoped().put("patch", mergePatch).put("patchType", "merge");
        return call("updating", request(patchUrl()).method("PATCH", json(body)), timeout);
    }

    JsonNode sync(String revision, Duration timeout) throws ArgoCdException, IOException, CancelledException {
        ObjectNode body = scoped().put("prune", spec.prune()).put("dryRun", false);
        if (revision != null) {
            body.put("revision", revision);
        }
        return call("syncing", request(syncUrl()).POST(json(body)), timeout);
    }

    private ObjectNode scoped() {
        ObjectNode body = JSON.createObjectNode().put("name", spec.application());
        if (spec.appNamespace() != null) {
            body.put("appNamespace", spec.appNamespace());
        }
        if (spec.project() != null) {
            body.put("project", spec.project());
        }
        return body;
    }

    private HttpRequest.Builder request(URI url) {
        return HttpRequest.newBuilder(url).header("Authorization", "Bearer " + token)
                .header("Accept", "application/json").header("Content-Type", "application/json")
                .header("User-Agent", "pier-deploy");
    }

    private JsonNode call(String doing, HttpRequest.Builder request, Duration timeout)
            throws ArgoCdException, IOException, CancelledException {
        Answer a = io.send(request, timeout);
        if (a.ok()) {
            JsonNode n = JSON.readTree(a.body());
            if (n == null || !n.isObject()) {
                throw new ArgoCdException(a.status(), "Argo CD answered " + a.status() + " with a body that is not a"
                        + " JSON object while " + doing + " " + spec.application(), false);
            }
            return n;
        }
        throw refusal(doing, a);
    }

    private ArgoCdException refusal(String doing, Answer a) {
        String said = message(a.body());
        String quote = said.isEmpty() ? "" : ": " + said;
        String app = "application " + spec.application();
        return switch (a.status()) {
            case 401 -> new ArgoCdException(401, "Argo CD refused the token (401) while " + doing + " " + app + quote
                    + "; check secret '" + spec.tokenSecret() + "' (expired or revoked?)", false);
            case 403 -> new ArgoCdException(403, "Argo CD denied " + doing + " " + app + " (403)" + quote
                    + "; the token's account needs get, update and sync on it (Argo CD also says this when the"
                    + " application does not exist or is in another project)", false);
            case 404 -> new ArgoCdException(404, "Argo CD has no " + app + " (404)" + quote, false);
            case 429, 500, 502, 503, 504 -> new ArgoCdException(a.status(), "Argo CD answered " + a.status()
                    + " while " + doing + " " + app + quote, true);
            default -> new ArgoCdException(a.status(), a.redirect()
                    ? "Argo CD answered " + a.status() + " redirecting to " + a.header("Location").orElse("(none)")
                    + "; Pier does not follow redirects with the token (is server the right URL?)"
                    : "Argo CD answered " + a.status() + " while " + doing + " " + app + quote, false);
        };
    }

    /** grpc-gateway errors are {@code {"error": …, "code": N, "message": …}}. */
    private static String message(String body) {
        try {
            JsonNode n = JSON.readTree(body == null ? "" : body);
            if (n != null && n.isObject()) {
                JsonNode m = n.hasNonNull("message") ? n.get("message") : n.get("error");
                return m == null ? "" : ControllerHttp.oneLine(m.asText(), 300);
            }
        } catch (IOException e) {
            // not JSON
        }
        return ControllerHttp.oneLine(body, 200);
    }

    private URI url(String suffix, boolean query) {
        String base = spec.server().toString().replaceAll("/+$", "");
        StringBuilder u = new StringBuilder(base).append("/api/v1/applications/").append(enc(spec.application()))
                .append(suffix);
        if (query) {
            String sep = "?";
            if (spec.appNamespace() != null) {
                u.append(sep).append("appNamespace=").append(enc(spec.appNamespace()));
                sep = "&";
            }
            if (spec.project() != null) {
                u.append(sep).append("project=").append(enc(spec.project()));
            }
        }
        return URI.create(u.toString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static HttpRequest.BodyPublisher json(JsonNode body) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
