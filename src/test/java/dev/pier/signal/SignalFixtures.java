package dev.pier.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pier.config.AppSpec;
import dev.pier.config.AppSpec.ArtifactMode;
import dev.pier.config.AppSpec.ComponentSpec;
import dev.pier.config.AppSpec.SourceRule;
import dev.pier.config.DeployerSpec;
import dev.pier.config.EnvironmentSpec;
import dev.pier.config.NodeConfig;
import dev.pier.pipeline.DeploySignal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node configured like seed 001 (app {@code pytoya}, ORG = acme), plus a bundle app with two
 * environments that also allows a local registry, and an images-only app.
 */
final class SignalFixtures {
    static final String SHA = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final String SEED_CHART = "oci://ghcr.io/acme/charts/pytoya";
    static final String SEED_VERSION = "0.1.0-abcdef123456";
    static final String SEED_API = "ghcr.io/acme/pytoya/api:abcdef123456";
    static final String SEED_WEB = "ghcr.io/acme/pytoya/web:abcdef123456";
    static final String SEED_IMAGES = "{\"api\":\"" + SEED_API + "\",\"web\":\"" + SEED_WEB + "\"}";
    static final String BUNDLE = "oci://ghcr.io/acme/bundles/shop:sha-abcdef1";
    static final String SHOP_APP = "ghcr.io/acme/shop/app:sha-abcdef1";

    private SignalFixtures() {}

    static NodeConfig node() {
        return new NodeConfig(Path.of("/etc/pier/pier.yaml"), Map.of(),
                Map.of("pytoya", pytoya(), "shop", shop(), "site", site()));
    }

    static AppSpec pytoya() {
        Map<String, ComponentSpec> components = new LinkedHashMap<>();
        components.put("api", new ComponentSpec(true, null, "pytoya/api"));
        components.put("web", new ComponentSpec(true, null, "pytoya/web"));
        components.put("worker", new ComponentSpec(false, "api", "pytoya/worker"));
        return new AppSpec("pytoya", ArtifactMode.CHART, "charts/*", components,
                List.of(new SourceRule("ghcr.io", List.of("acme"))), Map.of("production", environment("production")));
    }

    static AppSpec shop() {
        Map<String, ComponentSpec> components = new LinkedHashMap<>();
        components.put("app", new ComponentSpec(true, null, "shop/*"));
        components.put("redis", new ComponentSpec(false, null, null));
        Map<String, EnvironmentSpec> environments = new LinkedHashMap<>();
        environments.put("staging", environment("staging"));
        environments.put("production", environment("production"));
        return new AppSpec("shop", ArtifactMode.BUNDLE, "bundles/*", components,
                List.of(new SourceRule("ghcr.io", List.of("acme")), new SourceRule("localhost:5000", List.of("*"))),
                environments);
    }

    static AppSpec site() {
        return new AppSpec("site", ArtifactMode.NONE, null, Map.of("site", new ComponentSpec(true, null, null)),
                List.of(new SourceRule("ghcr.io", List.of("acme", "docs"))), Map.of("live", environment("live")));
    }

    static EnvironmentSpec environment(String name) {
        DeployerSpec.Helm helm = new DeployerSpec.Helm("helm", "release", name, List.of(),
                Map.of("api", "image.api"), null, null, Duration.ofMinutes(5), Map.of());
        return new EnvironmentSpec(name, helm, null, EnvironmentSpec.PinMode.DIGEST, EnvironmentSpec.OrphanPolicy.WAIT);
    }

    /** Seed 001's example with ORG = acme. */
    static Signal seed() {
        return new Signal().app("pytoya").chart(SEED_CHART).chartVersion(SEED_VERSION).images(SEED_IMAGES);
    }

    static Signal shopSignal() {
        return new Signal().app("shop").env("staging").bundle(BUNDLE).images("{\"app\":\"" + SHOP_APP + "\"}");
    }

    static ValidatedSignal accepted(Signal signal) throws InvalidSignalException {
        return SignalValidator.validate(signal.build(), node());
    }

    static List<Violation> refused(Signal signal) {
        InvalidSignalException e = catchThrowableOfType(InvalidSignalException.class,
                () -> SignalValidator.validate(signal.build(), node()));
        assertThat(e).as("signal should be refused: %s", signal.build()).isNotNull();
        return e.violations();
    }

    /** A deploy signal under construction; every field starts absent. */
    static final class Signal {
        private String app;
        private String env;
        private String chart;
        private String chartVersion;
        private String bundle;
        private String images;

        Signal app(String value) { app = value; return this; }
        Signal env(String value) { env = value; return this; }
        Signal chart(String value) { chart = value; return this; }
        Signal chartVersion(String value) { chartVersion = value; return this; }
        Signal bundle(String value) { bundle = value; return this; }
        Signal images(String value) { images = value; return this; }

        DeploySignal build() {
            return new DeploySignal(app, env, chart, chartVersion, bundle, images, "test", "ci");
        }
    }
}
