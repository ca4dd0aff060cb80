package dev.pier.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers a registry's {@code WWW-Authenticate} challenge: Basic with the configured credentials, or the
 * bearer-token flow with tokens cached per scope until they expire. Credentials go to a token realm only on
 * the registry's own host or an explicitly allow-listed one; tokens and passwords never reach a message.
 */
final class Authenticator {
    static final int MAX_TOKEN_RESPONSE = 1024 * 1024;
    static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);

    record Settings(CredentialSource credentials, Set<String> allowedTokenHosts) {
        Settings {
            allowedTokenHosts = Set.copyOf(allowedTokenHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList());
        }
    }

    private record Token(String value, Instant expires) {}

    private final Transport transport;
    private final Settings settings;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private volatile Challenge challenge;
    private volatile Optional<Credentials> credentials;
    private volatile String withheldFrom;

    Authenticator(Transport transport, Settings settings) {
        this.transport = transport;
        this.settings = settings;
    }

    /** The Authorization header for a request in {@code scope}, from what the registry asked for before. */
    Optional<String> header(String scope) {
        Challenge c = challenge;
        if (c == null) {
            return Optional.empty();
        }
        if (c.isBasic()) {
            return credentialsQuietly().map(Credentials::basicHeader);
        }
        if (c.isBearer()) {
            Token token = tokens.get(key(c, scope));
            if (token != null && transport.clock.instant().isBefore(token.expires())) {
                return Optional.of("Bearer " + token.value());
            }
        }
        return Optional.empty();
    }

    /** Reacts to a 401; true when there is something new to try. */
    boolean answer(Action action, String scope, HttpHeaders headers) throws IOException {
        List<Challenge> challenges = headers.allValues("WWW-Authenticate").stream()
                .map(Challenge::parse).flatMap(Optional::stream).toList();
        Optional<Challenge> bearer = challenges.stream().filter(Challenge::isBearer).findFirst();
        Optional<Challenge> basic = challenges.stream().filter(Challenge::isBasic).findFirst();
        if (bearer.isPresent()) {
            Challenge c = bearer.get();
            challenge = c;
            String wanted = scope != null ? scope : c.param("scope");
            tokens.remove(key(c, scope));
            Token token = fetchToken(c, wanted);
            tokens.put(key(c, scope), token);
            return true;
        }
        if (basic.isPresent()) {
            Challenge before = challenge;
            challenge = basic.get();
            boolean alreadySent = before != null && before.isBasic() && credentials().isPresent();
            return !alreadySent && credentials().isPresent();
        }
        return false;
    }

    /** Why a 401 stayed a 401, without naming the secret. */
    String hint() {
        String realmHost = withheldFrom;
        if (realmHost != null) {
            return "credentials were not sent to the token realm on " + realmHost
                    + ", which is not the registry's host; allow-list that host if it is trusted";
        }
        if (credentialsQuietly().isEmpty()) {
            return "no credentials are configured for " + credentialKey();
        }
        return "the credentials configured for " + credentialKey() + " were refused";
    }

    private Token fetchToken(Challenge c, String scope) throws IOException {
        String realmText = c.param("realm");
        Action action = new Action("get a registry token" + (scope == null ? "" : " for " + scope)
                + " for " + transport.endpoint.host());
        if (realmText == null || realmText.isBlank()) {
            throw RegistryErrors.protocol(action, 401, "the registry's bearer challenge names no realm");
        }
        URI realm;
        try {
            realm = URI.create(realmText);
        } catch (IllegalArgumentException e) {
            throw RegistryErrors.protocol(action, 401, "the registry's bearer realm is not a URI");
        }
        if (realm.getHost() == null || realm.getRawUserInfo() != null || !transport.endpoint.transportAllowed(realm)) {
            throw RegistryErrors.protocol(action, 401, "the registry's bearer realm " + dev.pier.oci.Quote.quote(realmText)
                    + " is not an https URL (plain http only on loopback)");
        }
        StringBuilder query = new StringBuilder();
        if (c.param("service") != null) {
            query.append("service=").append(enc(c.param("service")));
        }
        if (scope != null) {
            for (String s : scope.trim().split("\\s+")) {
                query.append(query.isEmpty() ? "" : "&").append("scope=").append(enc(s));
            }
        }
        URI tokenUri = URI.create(realm + (query.isEmpty() ? "" : (realm.getRawQuery() == null ? "?" : "&") + query));
        Optional<Credentials> creds = credentials();
        String authorization = null;
        if (creds.isPresent()) {
            if (trustedRealm(realm)) {
                authorization = creds.get().basicHeader();
                withheldFrom = null;
            } else {
                withheldFrom = realm.getHost();
            }
        }
        Transport.Request request = new Transport.Request("GET", tokenUri, Map.of(), null, null,
                false, true, false, authorization);
        return transport.exchange(action, request, Set.of(200), (status, headers, uri, body) -> {
            byte[] bytes = Transport.readCapped(action, headers, body, MAX_TOKEN_RESPONSE);
            JsonNode json;
            try {
                json = RegistryJson.tree(bytes);
            } catch (IOException e) {
                throw RegistryErrors.protocol(action, status, "the token server's answer is not JSON");
            }
            String token = json.hasNonNull("token") ? json.get("token").asText()
                    : json.hasNonNull("access_token") ? json.get("access_token").asText() : "";
            if (token.isBlank()) {
                throw RegistryErrors.protocol(action, status, "the token server's answer has no token");
            }
            long seconds = json.path("expires_in").asLong(0);
            Duration lifetime = seconds > 0 ? Duration.ofSeconds(seconds) : DEFAULT_TOKEN_LIFETIME;
            Duration margin = lifetime.compareTo(Duration.ofSeconds(20)) > 0 ? Duration.ofSeconds(10) : Duration.ZERO;
            return new Token(token, transport.clock.instant().plus(lifetime).minus(margin));
        });
    }

    private boolean trustedRealm(URI realm) {
        String host = realm.getHost().toLowerCase(Locale.ROOT);
        String hostPort = host + ":" + RegistryEndpoint.port(realm);
        return host.equalsIgnoreCase(transport.endpoint.baseUri().getHost())
                || settings.allowedTokenHosts().contains(host)
                || settings.allowedTokenHosts().contains(hostPort);
    }

    private Optional<Credentials> credentials() throws IOException {
        Optional<Credentials> c = credentials;
        if (c == null) {
            c = settings.credentials().lookup(credentialKey());
            credentials = c;
        }
        return c;
    }

    private Optional<Credentials> credentialsQuietly() {
        try {
            return credentials();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Credentials belong to the host actually contacted, so a mirror never receives the origin's. */
    String credentialKey() {
        return transport.endpoint.baseUri().getRawAuthority();
    }

    private static String key(Challenge c, String scope) {
        return c.param("realm") + "|" + c.param("service") + "|" + (scope == null ? "" : scope);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
