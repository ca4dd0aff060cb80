package dev.pier.deploy;

import dev.pier.config.DeployerSpec;
import dev.pier.config.EnvironmentSpec;
import dev.pier.pipeline.DeployRequest;
import dev.pier.pipeline.Release;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Releases and requests shaped like seed 001 (pytoya: api, web, worker defaulted to api). */
final class Fixtures {

    static final String API = "ghcr.io/org/pytoya/api:abcdef123456";
    static final String WEB = "ghcr.io/org/pytoya/web:abcdef123456";
    static final String CHART = "oci://ghcr.io/org/charts/pytoya";
    static final String DIGEST = "sha256:" + "a".repeat(64);

    private Fixtures() {}

    /** api and web as given; worker omitted by the signal, so it took api's image. */
    static Release release() {
        Map<String, Release.ArtifactRef> images = new LinkedHashMap<>();
        images.put("api", Release.ArtifactRef.asGiven(API));
        images.put("web", Release.ArtifactRef.asGiven(WEB));
        images.put("worker", new Release.ArtifactRef(API, API, null, "api"));
        return new Release("pytoya", new Release.ChartRef(CHART, "0.1.0-abcdef123456", null), null, images);
    }

    static DeployRequest request(DeployerSpec spec, Path workDir) {
        return request(spec, workDir, release(), Map.of());
    }

    static DeployRequest request(DeployerSpec spec, Path workDir, Release release, Map<String, String> secrets) {
        EnvironmentSpec env = new EnvironmentSpec("production", spec, null, EnvironmentSpec.PinMode.AS_GIVEN,
                EnvironmentSpec.OrphanPolicy.WAIT);
        return new DeployRequest("run-42", "pytoya", env, release, workDir, secrets);
    }
}
