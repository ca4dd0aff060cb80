package dev.pier.oci.registry;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * One registry as references name it ({@code host}, e.g. {@code ghcr.io} or {@code 127.0.0.1:5000}) and the
 * base URI every request actually goes to: the same host over https, or a mirror. Plain http is allowed only
 * for a loopback address unless {@code insecureAllowed} is set explicitly.
 *
 * @param host            the registry as written in references (used in messages and credential look-ups)
 * @param baseUri         scheme and authority (optionally a path prefix) that requests are sent to
 * @param insecureAllowed plain http to a non-loopback host was configured explicitly
 */
public record RegistryEndpoint(String host, URI baseUri, boolean insecureAllowed) {

    public RegistryEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(baseUri, "baseUri");
        if (host.isBlank() || host.contains("/") || host.contains("@")) {
            throw new IllegalArgumentException("registry host must be host[:port], got " + dev.pier.oci.Quote.quote(host));
        }
        String scheme = baseUri.getScheme() == null ? "" : baseUri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("registry base URI for " + host + " must be https:// (or http:// for loopback)");
        }
        if (baseUri.getHost() == null || baseUri.getRawUserInfo() != null || baseUri.getRawQuery() != null
                || baseUri.getRawFragment() != null) {
            throw new IllegalArgumentException("registry base URI for " + host
                    + " must be scheme://host[:port][/path] with no user info, query or fragment");
        }
        if (scheme.equals("http") && !insecureAllowed && !isLoopback(baseUri.getHost())) {
            throw new IllegalArgumentException("plain http to registry " + host + " (" + baseUri.getHost()
                    + ") is refused: only loopback addresses may use http unless insecure access is configured explicitly");
        }
        String path = baseUri.getRawPath() == null ? "" : baseUri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        baseUri = URI.create(scheme + "://" + baseUri.getRawAuthority() + path);
    }

    /** The registry itself over https. */
    public static RegistryEndpoint https(String host) {
        return new RegistryEndpoint(host, URI.create("https://" + host), false);
    }

    /** The registry over plain http; refused unless the host is a loopback address. */
    public static RegistryEndpoint loopbackHttp(String host) {
        return new RegistryEndpoint(host, URI.create("http://" + host), false);
    }

    /** References naming {@code host} are fetched from {@code base} instead (a mirror or a rewrite). */
    public static RegistryEndpoint mirror(String host, URI base) {
        return new RegistryEndpoint(host, base, false);
    }

    /** {@code http://localhost}, {@code 127.x.x.x} or {@code [::1]}: literal checks only, no DNS. */
    public static boolean isLoopback(String uriHost) {
        if (uriHost == null) {
            return false;
        }
        String h = uriHost.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    /** {@code base + path}, where {@code path} starts with {@code /v2/}. */
    public URI resolve(String pathAndQuery) {
        return URI.create(baseUri + pathAndQuery);
    }

    /** Whether {@code uri} goes to the same scheme, host and port as the base URI. */
    boolean sameOrigin(URI uri) {
        return uri.getScheme() != null && uri.getScheme().equalsIgnoreCase(baseUri.getScheme())
                && uri.getHost() != null && uri.getHost().equalsIgnoreCase(baseUri.getHost())
                && port(uri) == port(baseUri);
    }

    /** Whether following {@code uri} keeps the transport rule: https, or http only where allowed. */
    boolean transportAllowed(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            return uri.getHost() != null;
        }
        return scheme.equals("http") && uri.getHost() != null && (isLoopback(uri.getHost()) || insecureAllowed);
    }

    static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    @Override
    public String toString() {
        return host + " (" + baseUri + ")";
    }
}
