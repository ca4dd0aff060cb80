package dev.pier.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * How {@code pier server} listens and whom it lets in. It speaks plain HTTP: terminate TLS in a reverse proxy
 * (see the README). Defaults are safe: loopback only, no anonymous access, no OIDC.
 *
 * @param bind          address to listen on
 * @param port          TCP port (0 picks a free one)
 * @param publicUrl     the base URL clients use, for run links; null derives it from bind and port
 * @param anonymous     whether calls without a token are allowed (loopback clients only)
 * @param oidc          GitHub Actions OIDC; null refuses OIDC tokens
 * @param shutdownGrace how long in-flight runs may finish after SIGTERM before their deployers are stopped
 * @param notifications where run events are posted
 * @param maxParallelRuns how many runs may execute at once across all environments (still one per environment)
 */
public record ServerSpec(String bind, int port, URI publicUrl, Anonymous anonymous, Oidc oidc,
                         Duration shutdownGrace, List<NotificationSpec> notifications, int maxParallelRuns) {

    public static final int DEFAULT_PORT = 8080;
    /** Like Flux's {@code --concurrent}: runs beyond it wait queued, where a newer signal can still supersede them. */
    public static final int DEFAULT_MAX_PARALLEL_RUNS = 4;

    public ServerSpec {
        notifications = List.copyOf(notifications);
    }

    public static ServerSpec defaults() {
        return new ServerSpec("127.0.0.1", DEFAULT_PORT, null, Anonymous.OFF, null, Duration.ofSeconds(30),
                List.of(), DEFAULT_MAX_PARALLEL_RUNS);
    }

    public enum Anonymous { OFF, LOOPBACK }

    /**
     * @param issuer   {@code https://token.actions.githubusercontent.com} in production
     * @param audience the {@code aud} Pier accepts: its own, never a default GitHub one
     * @param maxSkew  clock skew tolerated on exp/nbf/iat
     */
    public record Oidc(URI issuer, String audience, Duration maxSkew) {}

    /**
     * @param url    receives a POST per event
     * @param secret name of the node secret that keys the HMAC-SHA256 signature; null sends unsigned
     * @param events run statuses that trigger it ({@code awaiting_approval}, {@code failed}, {@code succeeded}, …)
     */
    public record NotificationSpec(URI url, String secret, List<String> events) {
        public NotificationSpec {
            events = List.copyOf(events);
        }
    }
}
