package dev.pier.oci.registry;

import dev.pier.config.NodeConfig;
import dev.pier.config.RegistrySpec;
import dev.pier.oci.Descriptor;
import dev.pier.oci.InvalidReferenceException;
import dev.pier.oci.Reference;
import dev.pier.pipeline.DigestResolver;
import dev.pier.secret.SecretResolver;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registries this node reaches, as its config says (mirrors, plain HTTP for loopback, credentials from
 * secrets or {@code ~/.docker/config.json}). One client per host, made on first use. Resolves references to
 * digests for deploys, and checks a digest the signal named against the registry.
 */
public final class NodeRegistries implements DigestResolver, AutoCloseable {

    private final NodeConfig config;
    private final SecretResolver secrets;
    private final Map<String, RegistryClient> clients = new ConcurrentHashMap<>();
    private final RequestListener listener;

    public NodeRegistries(NodeConfig config, SecretResolver secrets) {
        this(config, secrets, RequestListener.NONE);
    }

    public NodeRegistries(NodeConfig config, SecretResolver secrets, RequestListener listener) {
        this.config = config;
        this.secrets = secrets;
        this.listener = listener;
    }

    /** The client for a registry host, as references name it. */
    public RegistryClient client(String host) throws IOException {
        RegistryClient existing = clients.get(host);
        if (existing != null) {
            return existing;
        }
        RegistryClient made = build(config.registry(host));
        RegistryClient raced = clients.putIfAbsent(host, made);
        if (raced != null) {
            made.close();
            return raced;
        }
        return made;
    }

    private RegistryClient build(RegistrySpec spec) throws IOException {
        RegistryEndpoint endpoint;
        try {
            if (spec.mirror() != null) {
                endpoint = RegistryEndpoint.mirror(spec.host(), spec.mirror());
            } else if (spec.plainHttp()) {
                endpoint = RegistryEndpoint.loopbackHttp(spec.host());
            } else {
                endpoint = RegistryEndpoint.https(spec.host());
            }
        } catch (IllegalArgumentException e) {
            throw new IOException("registry " + spec.host() + ": " + e.getMessage());
        }
        RegistryClient.Builder builder = RegistryClient.builder(endpoint)
                .allowTokenHosts(new HashSet<>(spec.tokenHosts()))
                .listener(listener);
        if (spec.ratePerSecond() > 0) {
            builder.rateLimit(spec.ratePerSecond(), spec.rateBurst());
        }
        if (spec.username() != null) {
            try {
                builder.credentials(new Credentials(spec.username(), secrets.resolve(spec.passwordSecret())));
            } catch (SecretResolver.SecretException e) {
                throw new IOException("registry " + spec.host() + ": " + e.getMessage());
            }
        } else {
            builder.credentials(DockerConfigCredentials.fromEnvironment());
        }
        return builder.build();
    }

    @Override
    public String resolve(String reference) throws ResolutionException {
        Reference ref;
        try {
            ref = Reference.parse(reference);
        } catch (InvalidReferenceException e) {
            throw new ResolutionException(e.getMessage());
        }
        try {
            RegistryClient client = client(ref.registry());
            if (ref.digest() != null) {
                return confirm(client, ref);
            }
            Optional<Descriptor> found = client.resolve(ref.repository(), ref.tag());
            return found.orElseThrow(() -> new ResolutionException("the registry has no tag " + ref.tag() + " in "
                    + ref.repository())).digest().toString();
        } catch (IOException e) {
            throw new ResolutionException(e.getMessage());
        }
    }

    // A digest the signal named must exist, and a tag given with it must still point to it.
    private static String confirm(RegistryClient client, Reference ref) throws IOException, ResolutionException {
        String digest = ref.digest().toString();
        if (client.resolve(ref.repository(), digest).isEmpty()) {
            throw new ResolutionException("the registry has no manifest " + digest + " in " + ref.repository());
        }
        if (ref.tag() != null) {
            Optional<Descriptor> tagged = client.resolve(ref.repository(), ref.tag());
            if (tagged.isEmpty() || !tagged.get().digest().toString().equals(digest)) {
                throw new ResolutionException("the signal names " + ref.tag() + "@" + digest + " but the registry's "
                        + ref.tag() + " is " + tagged.map(d -> d.digest().toString()).orElse("missing"));
            }
        }
        return digest;
    }

    @Override
    public void close() {
        clients.values().forEach(RegistryClient::close);
        clients.clear();
    }
}
