package dev.pier.deploy.compose;

import dev.pier.config.ComposeSettings;
import dev.pier.config.DeployerSpec;
import dev.pier.config.EnvironmentSpec;
import dev.pier.config.SshTarget;
import dev.pier.pipeline.DeployRequest;
import dev.pier.pipeline.Release;
import dev.pier.ssh.SshdServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The examples/compose stack (app + Redis) aimed at the test sshd. */
final class ComposeFixtures {

    static final String SECRET = "s3cr3t-Redis-pw-4711";
    static final String APP_DIGEST = "sha256:" + "a".repeat(64);
    static final String REDIS_DIGEST = "sha256:" + "b".repeat(64);
    static final Path EXAMPLE = Path.of(System.getProperty("pier.root", ".")).resolve("examples/compose");
    static final String NDJSON_OK = """
            {"Name":"demo-app-1","Service":"app","State":"running","Health":"","ExitCode":0}
            {"Name":"demo-redis-1","Service":"redis","State":"running","Health":"healthy","ExitCode":0}
            """;
    static final String ARRAY_OK = """
            [{"Name":"demo-app-1","Service":"app","State":"running","Health":"","ExitCode":0},\
            {"Name":"demo-redis-1","Service":"redis","State":"running","Health":"healthy","ExitCode":0}]
            """;

    private ComposeFixtures() {}

    static SshTarget target(SshdServer sshd, List<String> knownHosts, boolean tofu) {
        return new SshTarget(SshdServer.HOST, sshd.port(), SshdServer.USER, "deploy", knownHosts, tofu,
                Duration.ofSeconds(15));
    }

    static DeployerSpec.ComposeSsh spec(SshTarget target, String remoteDir, Duration timeout, Duration wait) {
        Map<String, DeployerSpec.EnvValue> env = new LinkedHashMap<>();
        env.put("REDIS_PASSWORD", new DeployerSpec.EnvValue.Secret("redis_password"));
        env.put("DEPLOYED_ENV", new DeployerSpec.EnvValue.Literal("{{env}}"));
        ComposeSettings compose = new ComposeSettings("demo", remoteDir, List.of("compose.yaml.mustache"), EXAMPLE,
                Map.of("http_port", "8080", "log_level", "info"), Map.of("app", "app_image", "redis", "redis_image"),
                env, "docker", wait, 5);
        return new DeployerSpec.ComposeSsh(target, compose, timeout);
    }

    /** app pinned by Pier, redis given as tag@digest (as-given): both must reach the compose as repo@sha256. */
    static Release release(String appDigest) {
        Map<String, Release.ArtifactRef> images = new LinkedHashMap<>();
        images.put("app", new Release.ArtifactRef("ghcr.io/acme/quantum/app:1.0", "ghcr.io/acme/quantum/app@"
                + appDigest, appDigest, null));
        images.put("redis", Release.ArtifactRef.asGiven("docker.io/library/redis:7.4@" + REDIS_DIGEST));
        return new Release("quantum", null, null, images);
    }

    static DeployRequest request(String runId, DeployerSpec.ComposeSsh spec, Release release, Path workDir) {
        EnvironmentSpec env = new EnvironmentSpec("production", spec, null, EnvironmentSpec.PinMode.AS_GIVEN,
                EnvironmentSpec.OrphanPolicy.WAIT);
        return new DeployRequest(runId, "quantum", env, release, workDir.resolve(runId),
                Map.of("redis_password", SECRET));
    }

    /** The env file Pier must write for these fixtures. */
    static String expectedEnvFile() {
        return "# written by pier; removed when the deploy ends\nREDIS_PASSWORD='" + SECRET
                + "'\nDEPLOYED_ENV='production'\n";
    }

    static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
