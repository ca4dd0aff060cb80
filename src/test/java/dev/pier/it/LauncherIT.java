package dev.pier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ./pier} launcher script and the README's first command, {@code ./pier demo}. */
class LauncherIT {

    static final Path LAUNCHER = PierProcess.ROOT.resolve("pier").toAbsolutePath();

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    Result launch(Map<String, String> extraEnv, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(concat(LAUNCHER.toString(), args)).directory(dir.toFile());
        pb.environment().put("PIER_HOME", dir.resolve("home").toString());
        pb.environment().put("PIER_NO_BUILD", "1"); // the jar under test, never a rebuild from inside a test
        pb.environment().putAll(extraEnv);
        Process p = pb.start();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void demo_deploys_the_sample_release_and_prints_the_recorded_run_from_any_directory() throws Exception {
        Result r = launch(Map.of(), "demo");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("status     succeeded").contains("worker  ghcr.io/acme/pytoya/api:")
                .contains("(defaulted from api)").contains("invalid signal").contains("(exit code 2)");
        Path current = dir.resolve("home/demo/releases/current");
        assertThat(Files.isSymbolicLink(current)).isTrue();
        assertThat(current.resolve("values.yaml")).content().contains("worker:");
        assertThat(current.resolve("release.json")).content().contains("ghcr.io/acme/pytoya/web:");
    }

    @Test
    void without_a_jdk_21_it_stops_with_a_clear_message() throws Exception {
        Path jdk17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
        Map<String, String> env = Map.of("JAVA_HOME", Files.isDirectory(jdk17) ? jdk17.toString() : "/nonexistent",
                "PIER_JAVA_HOME", "", "PIER_JDK_DIRS", dir.resolve("no-jdks-here").toString(),
                "PATH", "/usr/bin:/bin");

        Result r = launch(env, "--version");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no JDK 21 or newer was found").contains("PIER_JAVA_HOME");
    }

    @Test
    void the_launcher_execs_the_jvm_so_signals_reach_pier() throws Exception {
        Path started = dir.resolve("started");
        Path script = dir.resolve("block.sh");
        Files.writeString(script, "#!/bin/sh\ntouch '" + started + "'\nexec sleep 60\n");
        script.toFile().setExecutable(true);
        Path config = Files.writeString(dir.resolve("pier.yaml"), """
                version: 1
                apps:
                  web:
                    artifact: none
                    sources: [{registry: ghcr.io, orgs: [acme]}]
                    components: {app: {required: true}}
                    environments:
                      live:
                        pin: as-given
                        deployer: {type: command, commands: [{argv: ["%s"]}]}
                """.formatted(script));
        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "deploy", "--config", config.toString(), "--app",
                "web", "--images", "{\"app\":\"ghcr.io/acme/web/app:1\"}").directory(dir.toFile())
                .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        pb.environment().put("PIER_HOME", dir.resolve("home").toString());
        pb.environment().put("PIER_NO_BUILD", "1");
        Process p = pb.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(started));
            assertThat(p.toHandle().info().command()).hasValueSatisfying(c -> assertThat(c).endsWith("/java"));

            p.destroy(); // SIGTERM to the launcher's pid, which must now be the JVM

            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(dir.resolve("err"))).isEqualTo(6);
        } finally {
            p.destroyForcibly();
        }
    }

    private static List<String> concat(String first, String... rest) {
        var all = new java.util.ArrayList<String>();
        all.add(first);
        all.addAll(List.of(rest));
        return all;
    }

}
