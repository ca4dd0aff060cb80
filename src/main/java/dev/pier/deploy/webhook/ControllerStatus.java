package dev.pier.deploy.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.deploy.http.ControllerHttp;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;

/**
 * What a deploy controller says about a deploy, in its answer to the POST, a status GET or a callback:
 * {@code {"status": "running"|"succeeded"|"failed", "message": …, "deployed_url": …, "status_url": …}}; every field
 * optional. {@code queued} and {@code pending} count as running.
 */
record ControllerStatus(String status, String message, String deployedUrl, String statusUrl) {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final ControllerStatus NONE = new ControllerStatus(null, null, null, null);

    /** @throws IOException when the body is neither empty nor a JSON object */
    static ControllerStatus parse(String body) throws IOException {
        if (body == null || body.isBlank()) {
            return NONE;
        }
        JsonNode n = JSON.readTree(body);
        if (n == null || !n.isObject()) {
            throw new IOException("not a JSON object");
        }
        String status = text(n, "status");
        return new ControllerStatus(status == null ? null : status.toLowerCase(Locale.ROOT), text(n, "message"),
                text(n, "deployed_url"), text(n, "status_url"));
    }

    boolean succeeded() {
        return "succeeded".equals(status);
    }

    boolean failed() {
        return "failed".equals(status);
    }

    boolean terminal() {
        return succeeded() || failed();
    }

    boolean known() {
        return status == null || terminal() || status.equals("running") || status.equals("queued")
                || status.equals("pending");
    }

    /** One line for the log: {@code running: rolling out 2/3}. */
    String describe() {
        String m = ControllerHttp.oneLine(message, 200);
        return (status == null ? "no status" : status) + (m.isEmpty() ? "" : ": " + m);
    }

    /** The reported URL when it is a plain http(s) URL; anything else is ignored rather than recorded. */
    String safeDeployedUrl() {
        if (deployedUrl == null || deployedUrl.length() > 2048) {
            return null;
        }
        try {
            URI u = new URI(deployedUrl);
            return ("https".equals(u.getScheme()) || "http".equals(u.getScheme())) && u.getHost() != null
                    && u.getRawUserInfo() == null ? deployedUrl : null;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    /** The {@code message} or {@code error} of an error body, else its first 200 characters. */
    static String messageOf(String body) {
        try {
            JsonNode n = JSON.readTree(body == null ? "" : body);
            if (n != null && n.isObject()) {
                String m = text(n, "message");
                return ControllerHttp.oneLine(m != null ? m : text(n, "error"), 200);
            }
        } catch (IOException e) {
            // not JSON: quote it
        }
        return ControllerHttp.oneLine(body, 200);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }
}
