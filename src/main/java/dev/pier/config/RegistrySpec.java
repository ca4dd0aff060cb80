package dev.pier.config;

import java.net.URI;
import java.util.List;

/**
 * How the node reaches one registry host, as references name it.
 *
 * @param host           the host as references name it, e.g. {@code ghcr.io} or {@code 127.0.0.1:5000}
 * @param mirror         serve this host from another endpoint (every operation goes there); null for none
 * @param plainHttp      speak plain HTTP; only loopback hosts or mirrors may
 * @param username       basic/token user; null to use {@code ~/.docker/config.json} and credential helpers
 * @param passwordSecret the secret holding the password or token; null with {@code username} null
 * @param tokenHosts     other hosts a bearer-token realm may be on and still receive the credentials
 * @param ratePerSecond  most requests per second to this registry; 0 for no limit
 * @param rateBurst      requests allowed at once before the rate applies
 */
public record RegistrySpec(String host, URI mirror, boolean plainHttp, String username, String passwordSecret,
                           List<String> tokenHosts, double ratePerSecond, int rateBurst) {
    public RegistrySpec {
        tokenHosts = tokenHosts == null ? List.of() : List.copyOf(tokenHosts);
    }

    public static RegistrySpec defaults(String host) {
        return new RegistrySpec(host, null, false, null, null, List.of(), 0, 0);
    }
}
