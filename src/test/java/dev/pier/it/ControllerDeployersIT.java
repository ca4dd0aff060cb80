package dev.pier.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.fakes.FakeArgoCd;
import dev.pier.fakes.FakeLightway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pier deploy} (the packaged jar, its own process) through the webhook and argocd deployers to loopback
 * controllers: a Lightway-like receiver that verifies Pier's signature, and a fake of Argo CD's applications API.
 * No real Argo CD runs here; the fake follows the documented request and response shapes. The HMAC key and the
 * Argo CD token must never reach the run log, the run JSON or the database.
 */
class ControllerDeployersIT {

    private static final String KEY = "lightway-hmac-canary-0c7d41";
    private static final String TOKEN = "argocd-token-canary-93be2f";
    private static final String IMAGE = "ghcr.io/acme/demo/app@sha256:" + "c".repeat(64);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private FakeLightway lightway;
    private FakeArgoCd argo;
    private Node node;

    @AfterEach
    void tearDown() {
        if (lightway != null) {
            lightway.close();
        }
        if (argo != null) {
            argo.close();
        }
    }

    @Test
    void a_webhook_deploy_follows_the_status_url_and_a_refused_signature_fails_clearly() throws Exception {
        lightway = new FakeLightway(KEY).answerStatus(new FakeLightway.Answer(200, "{\"status\": \"running\"}"),
                new FakeLightway.Answer(200, "{\"status\": \"succeeded\", \"deployed_url\": \"https://demo.acme.example\"}"));
        config("""
                type: webhook
                          url: %s
                          secret: lightway_key
                          poll_interval: 1s
                          timeout: 1m""".formatted(lightway.url()));

        PierProcess.Result ok = deploy(KEY, TOKEN);

        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        JsonNode run = JSON.readTree(ok.stdout());
        assertThat(run.at("/result/deployed_url").asText()).isEqualTo("https://demo.acme.example");
        assertThat(run.get("steps")).extracting(s -> s.get("argv").toString()).containsExactly(
                "[\"POST\",\"" + lightway.url() + "\"]", "[\"GET\",\"" + lightway.base() + "/deploys/1\"]");
        assertThat(lightway.received("POST").get(0).json().at("/images/app/deploy").asText()).isEqualTo(IMAGE);

        PierProcess.Result refused = deploy("a-key-lightway-does-not-know", TOKEN);

        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.stderr()).contains("refused the deploy POST (401)").contains("did not accept Pier's signature")
                .doesNotContain("a-key-lightway-does-not-know");
        assertSecretsNowhere(ok, refused, "a-key-lightway-does-not-know");
    }

    @Test
    void an_argocd_deploy_waits_for_synced_and_healthy_and_a_wrong_token_fails_clearly() throws Exception {
        argo = new FakeArgoCd(TOKEN, "demo-prod", FakeArgoCd.Scenario.HEALTHY);
        config("""
                type: argocd
                          server: %s
                          application: demo-prod
                          token: { secret: argocd_token }
                          image_values: { app: image.ref }
                          poll_interval: 1s
                          timeout: 1m""".formatted(argo.url()));

        PierProcess.Result ok = deploy(KEY, TOKEN);

        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        JsonNode run = JSON.readTree(ok.stdout());
        assertThat(run.at("/result/deployed_url").asText()).isEqualTo("https://pytoya.acme.example");
        assertThat(run.get("steps")).extracting(s -> s.get("name").asText())
                .containsExactly("argocd get", "argocd patch", "argocd sync", "argocd wait");
        assertThat(argo.application().at("/spec/source/helm/parameters").toString()).contains(IMAGE);

        PierProcess.Result refused = deploy(KEY, "not-the-argocd-token-77");

        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.stderr()).contains("Argo CD refused the token (401)").contains("token signature is invalid")
                .doesNotContain("not-the-argocd-token-77");
        assertSecretsNowhere(ok, refused, "not-the-argocd-token-77");
    }

    private void config(String deployer) {
        node = new Node(dir);
        node.file("pier.yaml", """
                version: 1
                secrets:
                  lightway_key: { env: LIGHTWAY_KEY }
                  argocd_token: { env: ARGOCD_TOKEN }
                apps:
                  demo:
                    artifact: none
                    sources: [{ registry: ghcr.io, orgs: [acme] }]
                    components:
                      app: { required: true }
                    environments:
                      production:
                        pin: as-given   # no registry here; the signal names a digest itself
                        deployer:
                          %s
                """.formatted(deployer));
    }

    private PierProcess.Result deploy(String key, String token) {
        Map<String, String> env = node.env();
        env.put("LIGHTWAY_KEY", key);
        env.put("ARGOCD_TOKEN", token);
        return PierProcess.run(env, dir, "deploy", "--config", "pier.yaml", "--app", "demo", "--images",
                "{\"app\": \"" + IMAGE + "\"}", "-o", "json");
    }

    /** Neither secret in any output, nor in any byte of the store (the database and its WAL). */
    private void assertSecretsNowhere(PierProcess.Result a, PierProcess.Result b, String wrong) throws IOException {
        for (PierProcess.Result r : new PierProcess.Result[] {a, b}) {
            assertThat(r.stdout() + r.stderr()).doesNotContain(KEY).doesNotContain(TOKEN).doesNotContain(wrong);
        }
        PierProcess.Result runs = node.pier("runs", "-o", "json");
        assertThat(runs.stdout()).contains("demo").doesNotContain(KEY).doesNotContain(TOKEN).doesNotContain(wrong);
        try (Stream<Path> files = Files.list(node.home)) {
            var db = files.filter(p -> p.getFileName().toString().startsWith("pier.db")).toList();
            StringBuilder all = new StringBuilder();
            for (Path f : db) {
                String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(bytes).as(f.toString()).doesNotContain(KEY).doesNotContain(TOKEN).doesNotContain(wrong);
                all.append(bytes);
            }
            assertThat(all).as("the scan read the runs themselves").contains(IMAGE);
        }
    }
}
