package dev.pier.cli;

import dev.pier.json.Json;
import dev.pier.oci.Descriptor;
import dev.pier.oci.InvalidReferenceException;
import dev.pier.oci.OciException;
import dev.pier.oci.Reference;
import dev.pier.oci.artifact.ArtifactMetadata;
import dev.pier.oci.artifact.ArtifactPuller;
import dev.pier.oci.artifact.ArtifactPusher;
import dev.pier.oci.artifact.ArtifactTagger;
import dev.pier.oci.artifact.ExtractionLimits;
import dev.pier.oci.artifact.IgnoreRules;
import dev.pier.oci.registry.DockerConfigCredentials;
import dev.pier.oci.registry.RegistryClient;
import dev.pier.oci.registry.RegistryEndpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pier artifact push|pull|tag|tags|resolve}: OCI artifacts in Flux's format, and Helm charts. */
@Command(name = "artifact", mixinStandardHelpOptions = true,
        description = "Push, pull, tag, list and resolve OCI artifacts (Flux format, Helm charts).",
        subcommands = {ArtifactCommand.Push.class, ArtifactCommand.Pull.class, ArtifactCommand.Tag.class,
                ArtifactCommand.Tags.class, ArtifactCommand.Resolve.class})
final class ArtifactCommand {

    /** Options every artifact command shares: how to reach the registry. */
    static final class Registry {
        @Option(names = "--plain-http", description = "Speak plain HTTP to a loopback registry (127.0.0.1, ::1, localhost).")
        boolean plainHttp;

        RegistryClient client(Reference ref) {
            RegistryEndpoint endpoint;
            try {
                endpoint = plainHttp ? RegistryEndpoint.loopbackHttp(ref.registry()) : RegistryEndpoint.https(ref.registry());
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.INVALID, "--plain-http: " + e.getMessage());
            }
            return RegistryClient.builder(endpoint).credentials(DockerConfigCredentials.fromEnvironment()).build();
        }
    }

    static Reference reference(String text, String argument) {
        try {
            return text.startsWith(Reference.OCI_SCHEME) ? Reference.parseOci(text) : Reference.parse(text);
        } catch (InvalidReferenceException e) {
            throw new CliException(ExitCodes.INVALID, argument + ": " + e.getMessage());
        }
    }

    static String tagOrDigest(Reference ref, String argument) {
        if (ref.digest() != null) {
            return ref.digest().toString();
        }
        if (ref.tag() == null) {
            throw new CliException(ExitCodes.INVALID, argument + ": needs a tag or a digest");
        }
        return ref.tag();
    }

    /** One registry operation: a client for the reference's host, closed after, failures mapped to exit 1. */
    interface RegistryCall<T> {
        T call(RegistryClient client) throws IOException;
    }

    static <T> T withClient(Registry registry, Reference ref, String action, RegistryCall<T> call) {
        try (RegistryClient client = registry.client(ref)) {
            return call.call(client);
        } catch (OciException e) {
            throw new CliException(ExitCodes.FAILED, e.getMessage()); // already "tried to … but …"
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "tried to " + action + " but " + e.getMessage());
        }
    }

    static Map<String, Object> descriptor(Reference ref, Descriptor d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reference", ref.registry() + "/" + ref.repository() + (ref.tag() == null ? "" : ":" + ref.tag()));
        out.put("digest", d.digest().toString());
        out.put("media_type", d.mediaType());
        out.put("size", d.size());
        out.put("pinned", ref.registry() + "/" + ref.repository() + "@" + d.digest());
        return out;
    }

    @Command(name = "push", mixinStandardHelpOptions = true,
            description = "Push a directory as a Flux artifact (reproducible tar+gzip), or a Helm chart .tgz.")
    static final class Push implements Callable<Integer> {
        private final CliContext ctx;
        @Mixin Registry registry = new Registry();
        @Parameters(index = "0", paramLabel = "DIR|CHART.tgz") Path source;
        @Parameters(index = "1", paramLabel = "oci://REPO:TAG") String target;
        @Option(names = "--source", description = "org.opencontainers.image.source (e.g. the Git URL); directories only.")
        String sourceUrl;
        @Option(names = "--revision", description = "<branch|tag>@sha1:<sha>; directories only.")
        String revision;
        @Option(names = "--annotation", paramLabel = "KEY=VALUE", description = "Extra manifest annotation (repeatable).")
        Map<String, String> annotations = new LinkedHashMap<>();
        @Option(names = "--created", paramLabel = "RFC3339",
                description = "org.opencontainers.image.created (default: $SOURCE_DATE_EPOCH, else now). Fixing it "
                        + "makes the whole manifest reproducible, not only the layer.")
        String created;
        @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.")
        OutputFormat output;

        Push(CliContext ctx) {
            this.ctx = ctx;
        }

        private java.time.Instant createdAt() {
            if (created != null) {
                return java.time.OffsetDateTime.parse(created).toInstant();
            }
            String epoch = ctx.env().get("SOURCE_DATE_EPOCH");
            if (epoch != null && epoch.matches("\\d{1,12}")) {
                return java.time.Instant.ofEpochSecond(Long.parseLong(epoch));
            }
            return ctx.clock().instant();
        }

        @Override
        public Integer call() {
            Reference ref = reference(target, "TARGET");
            if (ref.tag() == null || ref.digest() != null) {
                throw new CliException(ExitCodes.INVALID, "TARGET: push needs a tag and no digest, e.g. oci://host/repo:v1");
            }
            Path src = ctx.cwd().resolve(source);
            Descriptor d = withClient(registry, ref, "push " + source, client -> {
                if (Files.isDirectory(src)) {
                    return ArtifactPusher.pushDirectory(ProgressStore.wrap(client, ctx), ref.repository(), ref.tag(),
                            src, metadata(), IgnoreRules.forDirectory(src));
                }
                if (Files.isRegularFile(src) && src.toString().endsWith(".tgz")) {
                    return ArtifactPusher.pushChart(ProgressStore.wrap(client, ctx), ref.repository(), ref.tag(), src);
                }
                throw new CliException(ExitCodes.INVALID, "SOURCE: " + source + " is neither a directory nor a chart .tgz");
            });
            print(ctx, output, ref, d);
            return ExitCodes.SUCCEEDED;
        }

        private ArtifactMetadata metadata() {
            if (sourceUrl == null || revision == null) {
                throw new CliException(ExitCodes.INVALID, "--source and --revision are required to push a directory");
            }
            try {
                return new ArtifactMetadata(sourceUrl, revision, createdAt(), annotations);
            } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
                throw new CliException(ExitCodes.INVALID, e.getMessage());
            }
        }
    }

    @Command(name = "pull", mixinStandardHelpOptions = true,
            description = "Pull an artifact and extract it safely into an empty or new directory (a chart: save the .tgz).")
    static final class Pull implements Callable<Integer> {
        private final CliContext ctx;
        @Mixin Registry registry = new Registry();
        @Parameters(index = "0", paramLabel = "oci://REPO:TAG|@DIGEST") String from;
        @Parameters(index = "1", paramLabel = "DIR") Path target;
        @Option(names = "--max-bytes", description = "Largest total size to extract (default 1 GiB).")
        Long maxBytes;
        @Option(names = "--max-files", description = "Most entries to extract (default 50000).")
        Integer maxFiles;
        @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.")
        OutputFormat output;

        Pull(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Reference ref = reference(from, "SOURCE");
            ExtractionLimits limits = ExtractionLimits.DEFAULTS;
            if (maxBytes != null) {
                limits = limits.withMaxTotalBytes(maxBytes);
            }
            if (maxFiles != null) {
                limits = limits.withMaxEntries(maxFiles);
            }
            ExtractionLimits chosen = limits;
            var pulled = withClient(registry, ref, "pull " + from, client -> ArtifactPuller.pull(
                    ProgressStore.wrap(client, ctx), ref.repository(), tagOrDigest(ref, "SOURCE"),
                    ctx.cwd().resolve(target), chosen));
            print(ctx, output, ref, pulled.manifest());
            return ExitCodes.SUCCEEDED;
        }
    }

    @Command(name = "tag", mixinStandardHelpOptions = true,
            description = "Tag an artifact again: the same manifest bytes under new tags, no blob copied.")
    static final class Tag implements Callable<Integer> {
        private final CliContext ctx;
        @Mixin Registry registry = new Registry();
        @Parameters(index = "0", paramLabel = "oci://REPO:TAG|@DIGEST") String from;
        @Option(names = "--tag", required = true, description = "New tag (repeatable).")
        List<String> tags;
        @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.")
        OutputFormat output;

        Tag(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Reference ref = reference(from, "SOURCE");
            Descriptor d = withClient(registry, ref, "tag " + from, client ->
                    ArtifactTagger.tag(client, ref.repository(), tagOrDigest(ref, "SOURCE"), tags));
            print(ctx, output, ref, d);
            return ExitCodes.SUCCEEDED;
        }
    }

    @Command(name = "tags", mixinStandardHelpOptions = true, description = "List a repository's tags.")
    static final class Tags implements Callable<Integer> {
        private final CliContext ctx;
        @Mixin Registry registry = new Registry();
        @Parameters(index = "0", paramLabel = "oci://REPO") String repo;
        @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.")
        OutputFormat output;

        Tags(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Reference ref = reference(repo, "REPOSITORY");
            List<String> tags = withClient(registry, ref, "list tags of " + repo, client -> client.tags(ref.repository()));
            if (output == OutputFormat.json) {
                ctx.out().println(Json.writePretty(tags));
            } else {
                tags.forEach(ctx.out()::println);
            }
            return ExitCodes.SUCCEEDED;
        }
    }

    @Command(name = "resolve", mixinStandardHelpOptions = true, description = "Print the digest a tag points to.")
    static final class Resolve implements Callable<Integer> {
        private final CliContext ctx;
        @Mixin Registry registry = new Registry();
        @Parameters(index = "0", paramLabel = "oci://REPO:TAG") String ref;
        @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.")
        OutputFormat output;

        Resolve(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Reference r = reference(ref, "REFERENCE");
            Descriptor d = withClient(registry, r, "resolve " + ref, client ->
                    client.resolve(r.repository(), tagOrDigest(r, "REFERENCE")).orElseThrow(() -> new CliException(
                            ExitCodes.FAILED, "tried to resolve " + ref + " but the registry has no such tag")));
            if (output == OutputFormat.json) {
                print(ctx, output, r, d);
            } else {
                ctx.out().println(d.digest());
            }
            return ExitCodes.SUCCEEDED;
        }
    }

    static void print(CliContext ctx, OutputFormat output, Reference ref, Descriptor d) {
        if (output == OutputFormat.json) {
            ctx.out().println(Json.writePretty(descriptor(ref, d)));
        } else {
            ctx.out().println(d.digest());
        }
    }
}
