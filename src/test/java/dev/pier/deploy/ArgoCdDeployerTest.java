package dev.pier.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.config.DeployerSpec;
import dev.pier.config.DeployerSpec.ArgoCd.Parameters;
import dev.pier.deploy.argocd.ArgoCdDeployer;
import dev.pier.fakes.FakeArgoCd;
import dev.pier.fakes.FakeArgoCd.Scenario;
import dev.pier.pipeline.DeployOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The argocd deployer against {@link FakeArgoCd}. No real Argo CD runs here: the fake follows the request and
 * response shapes Argo CD documents for its applications API (GET, merge PATCH, sync) and walks the application
 * through the states Argo CD reports.
 */
class ArgoCdDeployerTest {

    static final String TOKEN = "argocd-token-canary-51d0";
    static final String DIGEST = WebhookDeployerTest.DIGEST;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final RecordingContext ctx = new RecordingContext();
    private FakeArgoCd argo;

    @AfterEach
    void stop() {
        if (argo != null) {
            argo.close();
        }
    }

    DeployerSpec.ArgoCd spec(Parameters parameters, Map<String, String> imageValues, boolean chartRevision) {
        return new DeployerSpec.ArgoCd(argo.url(), "pytoya-prod", null, "default", "argocd_token", parameters,
                imageValues, chartRevision, false, false, Duration.ofMillis(20), Duration.ofSeconds(20));
    }

    DeployOutcome deploy(DeployerSpec.ArgoCd spec, String token) {
        return new ArgoCdDeployer().deploy(Fixtures.request(spec, dir.resolve("work"), WebhookDeployerTest.pinned(),
                Map.of("argocd_token", token)), ctx);
    }

    @Test
    void sets_helm_parameters_to_digests_syncs_and_waits_for_synced_and_healthy() throws Exception {
        argo = new FakeArgoCd(TOKEN, "pytoya-prod", Scenario.HEALTHY);

        DeployOutcome out = deploy(spec(Parameters.HELM, Map.of("api", "api.image", "web", "web.image"), true), TOKEN);

        assertThat(out).as(ctx.all()).isInstanceOfSatisfying(DeployOutcome.Succeeded.class,
                s -> assertThat(s.deployedUrl()).isEqualTo("https://pytoya.acme.example"));
        JsonNode patchRequest = argo.received("PATCH").get(0).json();
        assertThat(patchRequest.path("name").asText()).isEqualTo("pytoya-prod");
        assertThat(patchRequest.path("patchType").asText()).isEqualTo("merge");
        assertThat(patchRequest.path("project").asText()).isEqualTo("default");
        JsonNode params = argo.application().at("/spec/source/helm/parameters");
        assertThat(params).hasSize(3);
        assertThat(param(params, "replicaCount").path("value").asText()).as("other parameters are kept").isEqualTo("2");
        assertThat(param(params, "api.image").path("value").asText()).isEqualTo("ghcr.io/org/pytoya/api@" + DIGEST);
        assertThat(param(params, "api.image").path("forceString").asBoolean()).isTrue();
        assertThat(param(params, "web.image").path("value").asText()).isEqualTo("ghcr.io/org/pytoya/web@" + DIGEST);
        assertThat(argo.application().at("/spec/source/targetRevision").asText()).isEqualTo("0.1.0-abc");
        JsonNode sync = argo.received("POST").get(0).json();
        assertThat(sync.path("revision").asText()).isEqualTo("0.1.0-abc");
        assertThat(sync.path("prune").asBoolean()).isFalse();
        assertThat(sync.path("dryRun").asBoolean()).isFalse();
        assertThat(argo.received()).allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + TOKEN));
        String app = argo.url() + "/api/v1/applications/pytoya-prod";
        assertThat(ctx.steps()).extracting(RecordingContext.StepRecord::argv).containsExactly(
                List.of("GET", app + "?project=default"), List.of("PATCH", app), List.of("POST", app + "/sync"),
                List.of("GET", app + "?project=default"));
        assertThat(ctx.steps()).allSatisfy(s -> assertThat(s.outcome()).isEqualTo("succeeded"));
        assertThat(ctx.all()).contains("sync OutOfSync, health Progressing, operation Running")
                .contains("helm parameter api.image = ghcr.io/org/pytoya/api@" + DIGEST).doesNotContain(TOKEN);
    }

    @Test
    void sets_kustomize_images_keeping_the_others() throws Exception {
        argo = new FakeArgoCd(TOKEN, "pytoya-prod", Scenario.HEALTHY);

        DeployOutcome out = deploy(spec(Parameters.KUSTOMIZE, Map.of(), false), TOKEN);

        assertThat(out).as(ctx.all()).isInstanceOf(DeployOutcome.Succeeded.class);
        assertThat(argo.application().at("/spec/source/kustomize/images")).extracting(JsonNode::asText)
                .containsExactly("nginx:1.25", "ghcr.io/org/pytoya/api=ghcr.io/org/pytoya/api@" + DIGEST,
                        "ghcr.io/org/pytoya/web=ghcr.io/org/pytoya/web@" + DIGEST);
        assertThat(argo.application().at("/spec/source/targetRevision").asText()).isEqualTo("0.0.9");
        assertThat(argo.received("POST").get(0).json().has("revision")).isFalse();
    }

    @Test
    void a_failed_sync_fails_the_run_with_argo_cds_message() throws Exception {
        argo = new FakeArgoCd(TOKEN, "pytoya-prod", Scenario.SYNC_FAILED);

        DeployOutcome out = deploy(spec(Parameters.HELM, Map.of("api", "api.image"), false), TOKEN);

        assertThat(out).isInstanceOfSatisfying(DeployOutcome.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo("deploy_failed");
            assertThat(f.step()).isEqualTo("argocd sync");
            assertThat(f.summary()).contains("sync Failed: one or more objects failed to apply")
                    .contains("Deployment/api: Deployment.apps \"api\" is invalid");
        });
    }

    @Test
    void a_degraded_application_fails_the_run_with_the_health_message() throws Exception {
        argo = new FakeArgoCd(TOKEN, "pytoya-prod", Scenario.DEGRADED);

        DeployOutcome out = deploy(spec(Parameters.HELM, Map.of("api", "api.image"), false), TOKEN);

        assertThat(out).isInstanceOfSatisfying(DeployOutcome.Failed.class, f -> {
            assertThat(f.step()).isEqualTo("argocd wait");
            assertThat(f.summary()).contains("is Degraded after the sync")
                    .contains("Deployment/api: Deployment \"api\" exceeded its progress deadline");
        });
    }

    @Test
    void a_wrong_token_fails_clearly_and_changes_nothing() throws Exception {
        argo = new FakeArgoCd(TOKEN, "pytoya-prod", Scenario.HEALTHY);

        DeployOutcome out = deploy(spec(Parameters.HELM, Map.of("api", "api.image"), false), "wrong-token-9e1");

        assertThat(out).isInstanceOfSatisfying(DeployOutcome.Failed.class, f -> {
            assertThat(f.step()).isEqualTo("argocd get");
            assertThat(f.summary()).contains("refused the token (401)").contains("token signature is invalid")
                    .contains("secret 'argocd_token'").doesNotContain("wrong-token-9e1");
        });
        assertThat(argo.received()).singleElement().extracting(FakeArgoCd.Received::method).isEqualTo("GET");
    }

    @Test
    void an_application_the_token_may_not_see_is_a_clear_403() throws Exception {
        argo = new FakeArgoCd(TOKEN, "other-app", Scenario.HEALTHY);

        DeployOutcome out = deploy(spec(Parameters.HELM, Map.of("api", "api.image"), false), TOKEN);

        assertThat(out).isInstanceOfSatisfying(DeployOutcome.Failed.class, f -> assertThat(f.summary())
                .contains("denied reading application pytoya-prod (403): permission denied"));
    }

    @Test
    void an_application_that_never_becomes_healthy_times_out_with_its_last_state() throws Exception {
        argo = new FakeArgoCd(TOKEN, "pytoya-prod", Scenario.HEALTHY);
        DeployerSpec.ArgoCd s = spec(Parameters.HELM, Map.of("api", "api.image"), false);
        // A poll interval longer than the timeout: the first read after the sync is the last one.
        DeployerSpec.ArgoCd slow = new DeployerSpec.ArgoCd(s.server(), s.application(), null, null, s.tokenSecret(),
                s.parameters(), s.imageValues(), false, false, false, Duration.ofSeconds(30), Duration.ofSeconds(2));

        DeployOutcome out = deploy(slow, TOKEN);

        assertThat(out).isInstanceOfSatisfying(DeployOutcome.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo("timed_out");
            assertThat(f.summary()).contains("was not Synced and Healthy within 2s")
                    .contains("last: sync OutOfSync, health Progressing, operation Running");
        });
    }

    private static JsonNode param(JsonNode params, String name) {
        for (JsonNode p : params) {
            if (p.path("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no parameter " + name + " in " + params);
    }
}
