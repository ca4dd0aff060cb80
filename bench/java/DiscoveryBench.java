import dev.pier.oci.Descriptor;
import dev.pier.oci.Digest;
import dev.pier.oci.registry.RegistryClient;
import dev.pier.oci.registry.RegistryEndpoint;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bench-only entry point for bench/discovery (not part of Pier). Compiled against target/pier.jar.
 *
 * <pre>
 * DiscoveryBench setup    HOST:PORT REPOS TAGS   push bench/rNNN:tNN, a small distinct manifest per tag
 * DiscoveryBench discover HOST:PORT REPOS        list the tags of bench/r000..r(REPOS-1) and resolve each
 * </pre>
 * Discovery runs one virtual thread per repository, and one per tag for the resolves, over one client.
 */
public final class DiscoveryBench {
    public static void main(String[] args) throws Exception {
        String host = args[1];
        int repos = Integer.parseInt(args[2]);
        try (RegistryClient client = RegistryClient.builder(RegistryEndpoint.loopbackHttp(host)).build();
             var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            switch (args[0]) {
                case "setup" -> setup(client, pool, repos, Integer.parseInt(args[3]));
                case "discover" -> discover(client, pool, repos);
                default -> throw new IllegalArgumentException("setup|discover");
            }
        }
    }

    static String repo(int i) {
        return "bench/r%03d".formatted(i);
    }

    static void setup(RegistryClient client, java.util.concurrent.ExecutorService pool, int repos, int tags)
            throws Exception {
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        Digest configDigest = sha256(config);
        List<Future<?>> all = new ArrayList<>();
        for (int r = 0; r < repos; r++) {
            int ri = r;
            all.add(pool.submit(() -> {
                String repo = repo(ri);
                byte[] layer = ("content of " + repo + "\n").getBytes(StandardCharsets.UTF_8);
                Digest layerDigest = sha256(layer);
                client.putBlob(repo, configDigest, config.length, new ByteArrayInputStream(config));
                client.putBlob(repo, layerDigest, layer.length, new ByteArrayInputStream(layer));
                for (int t = 0; t < tags; t++) {
                    String tag = "t%02d".formatted(t);
                    String manifest = """
                        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\
                        "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},\
                        "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%d}],\
                        "annotations":{"bench.tag":"%s"}}""".formatted(configDigest, config.length, layerDigest,
                            layer.length, tag);
                    client.putManifest(repo, tag, manifest.getBytes(StandardCharsets.UTF_8),
                            "application/vnd.oci.image.manifest.v1+json");
                }
                return null;
            }));
        }
        for (Future<?> f : all) {
            f.get();
        }
    }

    static void discover(RegistryClient client, java.util.concurrent.ExecutorService pool, int repos)
            throws Exception {
        AtomicInteger resolved = new AtomicInteger();
        List<Future<?>> all = new ArrayList<>();
        for (int r = 0; r < repos; r++) {
            String repo = repo(r);
            all.add(pool.submit(() -> {
                List<Future<Descriptor>> tags = new ArrayList<>();
                for (String tag : client.tags(repo)) {
                    tags.add(pool.submit(() -> client.resolve(repo, tag).orElseThrow()));
                }
                for (Future<Descriptor> d : tags) {
                    d.get();
                    resolved.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> f : all) {
            f.get();
        }
        System.out.println("resolved " + resolved.get() + " tags in " + repos + " repositories");
    }

    static Digest sha256(byte[] bytes) throws Exception {
        return new Digest("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    }
}
