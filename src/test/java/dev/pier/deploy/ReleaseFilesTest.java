package dev.pier.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pier.config.DeployerSpec;
import dev.pier.pipeline.DeployRequest;
import dev.pier.pipeline.Release;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseFilesTest {

    @TempDir
    Path dir;

    private DeployRequest request() {
        return Fixtures.request(new DeployerSpec.Command(dir, List.of(), Map.of(), Duration.ofMinutes(1), Map.of()),
                dir.resolve("work"));
    }

    private static Map<String, String> paths(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void releaseJsonNamesTheRunAppEnvironmentChartAndEveryImage() throws Exception {
        ReleaseFiles.write(request(), Map.of());

        JsonNode json = new ObjectMapper().readTree(dir.resolve("work/release.json").toFile());
        assertThat(json.get("run_id").asText()).isEqualTo("run-42");
        assertThat(json.get("app").asText()).isEqualTo("pytoya");
        assertThat(json.get("environment").asText()).isEqualTo("production");
        assertThat(json.at("/chart/repository").asText()).isEqualTo(Fixtures.CHART);
        assertThat(json.at("/images/worker/deploy").asText()).isEqualTo(Fixtures.API);
        assertThat(json.at("/images/worker/defaulted_from").asText()).isEqualTo("api");
        assertThat(json.at("/images/api/defaulted_from").isMissingNode()).isTrue();
    }

    @Test
    void valuesYamlNestsEachComponentsImageUnderItsValuePath() throws Exception {
        ReleaseFiles.write(request(), paths("api", "api.image", "worker", "worker.image", "web", "web.image.ref"));

        JsonNode yaml = new YAMLMapper().readTree(dir.resolve("work/values.yaml").toFile());
        assertThat(yaml.at("/api/image").asText()).isEqualTo(Fixtures.API);
        assertThat(yaml.at("/worker/image").asText()).isEqualTo(Fixtures.API);
        assertThat(yaml.at("/web/image/ref").asText()).isEqualTo(Fixtures.WEB);
    }

    @Test
    void valuesYamlIsAnEmptyMapWithoutImageValues() throws Exception {
        ReleaseFiles.write(request(), Map.of());

        assertThat(Files.readString(dir.resolve("work/values.yaml")).strip()).isEqualTo("{}");
    }

    @Test
    void bothFilesAreReadableByTheOwnerOnly() throws Exception {
        Files.createDirectories(dir.resolve("work"));
        Files.writeString(dir.resolve("work/values.yaml"), "old");
        Files.setPosixFilePermissions(dir.resolve("work/values.yaml"), PosixFilePermissions.fromString("rw-r--r--"));

        ReleaseFiles.write(request(), Map.of("api", "api.image"));

        for (String f : List.of("release.json", "values.yaml")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("work").resolve(f))))
                    .isEqualTo("rw-------");
        }
        assertThat(Files.readString(dir.resolve("work/values.yaml"))).doesNotContain("old");
    }

    @Test
    void anEscapedDotStaysInsideAKey() {
        assertThat(ReleaseFiles.imageValues(Fixtures.release(), Map.of("api", "annotations.pier\\.dev/image")))
                .isEqualTo(Map.of("annotations", Map.of("pier.dev/image", Fixtures.API)));
    }

    @Test
    void pathsThatCollideOrNameAMissingComponentAreRefused() {
        Release r = Fixtures.release();
        assertThatThrownBy(() -> ReleaseFiles.imageValues(r, paths("api", "image", "web", "image.ref")))
                .hasMessageContaining("image.ref");
        assertThatThrownBy(() -> ReleaseFiles.imageValues(Fixtures.release(), paths("api", "image", "web", "image")))
                .hasMessageContaining("collides");
        assertThatThrownBy(() -> ReleaseFiles.imageValues(Fixtures.release(), paths("cron", "cron.image")))
                .hasMessageContaining("'cron'");
        assertThatThrownBy(() -> ReleaseFiles.imageValues(Fixtures.release(), paths("api", "images[0]")))
                .hasMessageContaining("list indexes");
    }
}
