package dev.pier.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.config.AppSpec.ArtifactMode;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Binds the deployers that hand a release to another controller over HTTP ({@code webhook}, {@code argocd}),
 * with the checks the schema cannot express: secrets that exist, plain http only to loopback, reserved headers.
 */
final class ControllerDeployerBinder {

    static final Set<String> TYPES = Set.of("webhook", "argocd");

    /** Headers Pier sets itself, or that would carry a credential outside the node's secrets. */
    private static final Set<String> RESERVED_HEADERS = Set.of("authorization", "cookie", "content-type",
            "content-length", "host", "connection", "expect", "upgrade", "user-agent");
    private static final Duration DEFAULT_POLL = Duration.ofSeconds(5);

    private final BiConsumer<String, String> problem;
    private final Set<String> secrets;

    ControllerDeployerBinder(BiConsumer<String, String> problem, Set<String> secrets) {
        this.problem = problem;
        this.secrets = secrets;
    }

    DeployerSpec bind(String at, JsonNode n, ArtifactMode artifact, Map<String, String> imageValues,
                      Duration timeout) {
        return "webhook".equals(n.get("type").asText()) ? webhook(at, n, timeout)
                : argocd(at, n, artifact, imageValues, timeout);
    }

    private DeployerSpec.Webhook webhook(String at, JsonNode n, Duration timeout) {
        URI url = url(at + ".url", n.get("url").asText(), n.path("insecure").asBoolean(false));
        String secret = secret(at + ".secret", n.get("secret").asText());
        Map<String, String> headers = new LinkedHashMap<>();
        n.path("headers").properties().forEach(e -> {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (RESERVED_HEADERS.contains(name) || name.startsWith("x-pier-")) {
                problem.accept(at + ".headers." + e.getKey(), "Pier sets this header itself or it would carry a"
                        + " credential; headers here are for non-secret values only");
            }
            headers.put(e.getKey(), e.getValue().asText());
        });
        var mode = DeployerSpec.Webhook.StatusMode.valueOf(n.path("status").asText("poll").toUpperCase(Locale.ROOT));
        return new DeployerSpec.Webhook(url, secret, mode, poll(at, n), timeout, headers);
    }

    private DeployerSpec.ArgoCd argocd(String at, JsonNode n, ArtifactMode artifact, Map<String, String> imageValues,
                                       Duration timeout) {
        boolean insecure = n.path("insecure").asBoolean(false);
        URI server = url(at + ".server", n.get("server").asText(), insecure);
        String token = secret(at + ".token.secret", n.get("token").get("secret").asText());
        var parameters = DeployerSpec.ArgoCd.Parameters.valueOf(n.path("parameters").asText("helm")
                .toUpperCase(Locale.ROOT));
        if (parameters == DeployerSpec.ArgoCd.Parameters.HELM && imageValues.isEmpty()) {
            problem.accept(at + ".image_values", "name the Helm parameter each component's image goes to,"
                    + " e.g. {api: api.image}");
        }
        boolean chartRevision = n.path("chart_revision").asBoolean(false);
        if (chartRevision && artifact != ArtifactMode.CHART) {
            problem.accept(at + ".chart_revision", "needs an app with artifact: chart (it syncs to the chart version)");
        }
        return new DeployerSpec.ArgoCd(server, n.get("application").asText(), text(n, "app_namespace"),
                text(n, "project"), token, parameters, imageValues, chartRevision, n.path("prune").asBoolean(false),
                insecure, poll(at, n), timeout);
    }

    private Duration poll(String at, JsonNode n) {
        Duration d = n.has("poll_interval") ? Durations.parse(n.get("poll_interval").asText()) : DEFAULT_POLL;
        if (d.isZero()) {
            problem.accept(at + ".poll_interval", "must be longer than zero");
        }
        return d;
    }

    private String secret(String at, String name) {
        if (!secrets.contains(name)) {
            problem.accept(at, "secret '" + name + "' is not defined under secrets:");
        }
        return name;
    }

    /** An absolute http(s) URL without credentials; plain http only to a loopback host unless allowed. */
    private URI url(String at, String text, boolean plainHttpAllowed) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (java.net.URISyntaxException e) {
            problem.accept(at, "not a URL: " + e.getMessage());
            return URI.create("http://invalid");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            problem.accept(at, "must be http(s)://host[:port][/path], without user info or fragment");
        } else if ("http".equals(uri.getScheme()) && !plainHttpAllowed && !loopback(uri.getHost())) {
            problem.accept(at, "plain http to " + uri.getHost() + " can be read and answered by anyone on the way;"
                    + " use https (plain http is allowed for loopback, or with insecure: true)");
        }
        return uri;
    }

    static boolean loopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return h.equals("localhost") || h.equals("::1") || h.matches("127(\\.\\d{1,3}){3}");
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
