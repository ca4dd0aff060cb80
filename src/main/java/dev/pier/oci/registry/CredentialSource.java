package dev.pier.oci.registry;

import java.io.IOException;
import java.util.Optional;

/** Where the credentials for a registry host come from; empty means anonymous. */
@FunctionalInterface
public interface CredentialSource {

    Optional<Credentials> lookup(String registryHost) throws IOException;

    static CredentialSource anonymous() {
        return host -> Optional.empty();
    }

    static CredentialSource of(Credentials credentials) {
        Optional<Credentials> fixed = Optional.of(credentials);
        return host -> fixed;
    }
}
