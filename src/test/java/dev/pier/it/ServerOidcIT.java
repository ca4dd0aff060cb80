package dev.pier.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pier.it.ServerProcess.Response;
import dev.pier.it.ServerProcess.Token;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GitHub Actions OIDC tokens as bearers of a real {@code pier server}: an issuer on a loopback port serves a real
 * discovery document and JWKS, and the tests mint tokens shaped like GitHub's. A token is checked against the
 * {@code oidc:} policy of the environment it signals; its {@code jti} is spent by a signal, not by reading the run.
 */
class ServerOidcIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String AUDIENCE = "pier-test";
    private static final String REPOSITORY = "octo-org/octo-repo";
    private static final String REPOSITORY_ID = "740118";
    private static final String OWNER_ID = "650042";
    private static final String ACTOR = "octocat";

    @TempDir
    static Path dir;

    static Node node;
    static RSAKey key;
    static HttpServer issuer;
    static String issuerUrl;
    static ServerProcess server;
    /** An API token of the same person the OIDC tokens name as actor. */
    static Token octocat;
    static Token reviewer;

    @BeforeAll
    static void start() throws Exception {
        node = new Node(dir);
        key = new RSAKeyGenerator(2048).keyID("gh-it-1").keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                .generate();
        issuer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        issuerUrl = "http://127.0.0.1:" + issuer.getAddress().getPort();
        issuer.createContext("/.well-known/openid-configuration", ex -> answer(ex, """
                {"issuer": "%s", "jwks_uri": "%s/.well-known/jwks",
                 "subject_types_supported": ["public", "pairwise"], "response_types_supported": ["id_token"],
                 "id_token_signing_alg_values_supported": ["RS256"],
                 "claims_supported": ["sub", "aud", "exp", "iat", "iss", "jti", "nbf", "ref", "repository",
                                      "repository_id", "repository_owner", "repository_owner_id", "event_name"]}
                """.formatted(issuerUrl, issuerUrl)));
        issuer.createContext("/.well-known/jwks", ex -> answer(ex, new JWKSet(key.toPublicJWK()).toString(true)));
        issuer.start();

        Path deployer = node.script("deployer", """
                #!/bin/bash
                echo "deployed $PIER_ENV $PIER_RUN_ID"
                """);
        String policy = """
                        oidc:
                          repository: %s
                          repository_id: "%s"
                          repository_owner_id: "%s"
                          refs: ["refs/heads/main"]
                """.formatted(REPOSITORY, REPOSITORY_ID, OWNER_ID);
        node.file("pier.yaml", ServerProcess.demoAppHead("""
                version: 1
                server:
                  oidc:
                    issuer: "%s"
                    audience: %s""".formatted(issuerUrl, AUDIENCE)) + """
                      staging:
                %s%s
                      gated:
                        approvals: { required: 1 }
                %s%s
                      production:
                %s
                """.formatted(policy, environment(deployer), policy, environment(deployer), environment(deployer)));
        server = ServerProcess.start(node, Map.of());
        List<Token> t = ServerProcess.tokens(node, List.of(
                List.of("--owner", ACTOR, "--scope", "approve:demo/*"),
                List.of("--owner", "hubot", "--scope", "approve:demo/*")));
        octocat = t.get(0);
        reviewer = t.get(1);
    }

    private static String environment(Path deployer) {
        return """
                        pin: as-given
                        deployer:
                          type: command
                          timeout: 1m
                          commands:
                            - argv: ["%s"]
                """.formatted(deployer);
    }

    @AfterAll
    static void stop() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (issuer != null) {
                issuer.stop(0);
            }
        }
    }

    private static void answer(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The claims of a push to main of octo-org/octo-repo, as GitHub issues them. */
    static Map<String, Object> push() {
        return dev.pier.auth.oidc.GithubClaims.pushToMain(issuerUrl, AUDIENCE, REPOSITORY, ACTOR, REPOSITORY_ID,
                OWNER_ID, Instant.now().getEpochSecond() - 5);
    }

    static String sign(Map<String, Object> claims) {
        return sign(key, claims);
    }

    static String sign(RSAKey with, Map<String, Object> claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                    .keyID(with.getKeyID()).build(), JWTClaimsSet.parse(claims));
            jwt.sign(new RSASSASigner(with));
            return jwt.serialize();
        } catch (JOSEException | ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    static Response signal(String bearer, String env) {
        return server.signal(bearer, ServerProcess.write(Map.of("app", "demo", "env", env,
                "images", "{\"app\":\"ghcr.io/acme/demo/app:1.0.0\"}")));
    }

    @Test
    void a_push_to_main_signals_as_its_actor_reads_its_run_and_cannot_signal_twice() {
        String token = sign(push());

        Response accepted = signal(token, "staging");

        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        String id = accepted.json().get("run_id").asText();
        JsonNode run = server.run(id, token);
        assertThat(run.at("/signal/actor").asText()).isEqualTo(ACTOR);
        assertThat(run.at("/signal/origin").asText()).isEqualTo("oidc:" + REPOSITORY + "@refs/heads/main");
        // Reads do not spend the jti: the workflow follows its run with the token it signalled with.
        JsonNode done = server.awaitStatus(id, token, DEADLINE, "succeeded", "failed");
        assertThat(done.get("status").asText()).as(done.toPrettyString()).isEqualTo("succeeded");
        assertThat(server.get("/api/v1/runs/" + id + "/log", token).status()).isEqualTo(200);

        Response replayed = signal(token, "staging");
        assertThat(replayed.status()).as(replayed.toString()).isEqualTo(401);
        assertThat(replayed.json().get("message").asText()).contains("already used");

        assertThat(server.get("/api/v1/runs", token).status()).as("listing runs needs an API token").isEqualTo(403);
        assertThat(server.get("/api/v1/environments", token).status()).isEqualTo(403);
        assertThat(server.get("/api/v1/runs/" + id, sign(push())).status()).as("any valid token of the workflow")
                .isEqualTo(200);
    }

    @Test
    void workflows_outside_the_environments_policy_are_forbidden() {
        Map<String, Object> pullRequest = push();
        pullRequest.put("event_name", "pull_request");
        pullRequest.put("ref", "refs/pull/7/merge");
        pullRequest.put("sub", "repo:" + REPOSITORY + ":pull_request");
        Map<String, Object> otherRepository = push();
        otherRepository.put("repository", "octo-org/other-repo");
        Map<String, Object> otherRepositoryId = push();
        otherRepositoryId.put("repository_id", "999");
        Map<String, Object> featureBranch = push();
        featureBranch.put("ref", "refs/heads/feature");

        for (Map<String, Object> claims : List.of(pullRequest, otherRepository, otherRepositoryId, featureBranch)) {
            Response r = signal(sign(claims), "staging");
            assertThat(r.status()).as(claims + ": " + r).isEqualTo(403);
            assertThat(r.json().get("error").asText()).isEqualTo("forbidden");
        }
    }

    @Test
    void an_environment_without_an_oidc_policy_refuses_oidc_tokens_without_spending_them() {
        String token = sign(push());

        Response production = signal(token, "production");
        assertThat(production.status()).as(production.toString()).isEqualTo(403);
        assertThat(production.json().get("message").asText()).contains("demo/production");

        Response staging = signal(token, "staging");
        assertThat(staging.status()).as("the refused token was not spent: " + staging).isEqualTo(202);
        server.awaitStatus(staging.json().get("run_id").asText(), token, DEADLINE, "succeeded");
    }

    @Test
    void tokens_that_do_not_prove_a_github_workflow_are_unauthorized() throws Exception {
        Map<String, Object> wrongAudience = push();
        wrongAudience.put("aud", "https://github.com/octo-org");
        Map<String, Object> expired = push();
        long longAgo = Instant.now().getEpochSecond() - 3600;
        expired.put("iat", longAgo);
        expired.put("nbf", longAgo - 600);
        expired.put("exp", longAgo + 300);
        Map<String, Object> wrongIssuer = push();
        wrongIssuer.put("iss", "https://token.actions.githubusercontent.com");
        RSAKey stranger = new RSAKeyGenerator(2048).keyID(key.getKeyID()).algorithm(JWSAlgorithm.RS256).generate();
        String unsigned = new PlainJWT(JWTClaimsSet.parse(push())).serialize();
        String noneWithSignature = unsigned + "c2lnbmF0dXJl";

        Map<String, String> bearers = new LinkedHashMap<>();
        bearers.put("wrong audience", sign(wrongAudience));
        bearers.put("expired", sign(expired));
        bearers.put("wrong issuer", sign(wrongIssuer));
        bearers.put("alg none", unsigned);
        bearers.put("alg none with a signature", noneWithSignature);
        bearers.put("signed by another key with the same kid", sign(stranger, push()));
        bearers.put("garbage in the shape of a JWT", "aaaa.bbbb.cccc");
        for (var e : bearers.entrySet()) {
            Response r = signal(e.getValue(), "staging");
            assertThat(r.status()).as(e.getKey() + ": " + r).isEqualTo(401);
            assertThat(r.json().get("error").asText()).isEqualTo("unauthorized");
        }
    }

    @Test
    void only_a_verified_oidc_token_is_told_why_its_signal_is_invalid() {
        String unknownApp = ServerProcess.write(Map.of("app", "secret-app", "env", "staging",
                "images", "{\"app\":\"docker.io/evil/app:1\"}"));
        String badImage = ServerProcess.write(Map.of("app", "demo", "env", "staging",
                "images", "{\"app\":\"docker.io/evil/app:1\"}"));
        for (String bearer : List.of("aaaa.bbbb.cccc", new PlainJWT(jwtClaims(push())).serialize())) {
            for (String body : List.of(unknownApp, badImage)) {
                Response r = server.signal(bearer, body);
                assertThat(r.status()).as(bearer + " " + body + ": " + r).isEqualTo(401);
                assertThat(r.body()).as("no configuration is revealed").doesNotContain("ghcr.io")
                        .doesNotContain("configured: demo").doesNotContain("violations");
            }
        }

        // The workflow's own token is told, and is not spent by the refusal.
        String token = sign(push());
        Response invalid = server.signal(token, badImage);
        assertThat(invalid.status()).as(invalid.toString()).isEqualTo(400);
        assertThat(invalid.json().at("/violations/0/argument").asText()).isEqualTo("--images.app");
        assertThat(invalid.json().at("/violations/0/message").asText()).contains("docker.io");
        Response fixed = signal(token, "staging");
        assertThat(fixed.status()).as(fixed.toString()).isEqualTo(202);
        server.awaitStatus(fixed.json().get("run_id").asText(), token, DEADLINE, "succeeded");
    }

    private static JWTClaimsSet jwtClaims(Map<String, Object> claims) {
        try {
            return JWTClaimsSet.parse(claims);
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void the_workflows_actor_cannot_approve_its_own_run_with_an_api_token() {
        String token = sign(push());
        Response accepted = signal(token, "gated");
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        String id = accepted.json().get("run_id").asText();
        server.awaitStatus(id, token, DEADLINE, "awaiting_approval");

        Response self = server.post("/api/v1/runs/" + id + "/approve", octocat.secret(), "");
        assertThat(self.status()).as(self.toString()).isEqualTo(422);
        assertThat(self.json().get("message").asText()).contains(ACTOR).contains("four eyes");
        Response byWorkflow = server.post("/api/v1/runs/" + id + "/approve", sign(push()), "");
        assertThat(byWorkflow.status()).as("an OIDC token never approves: " + byWorkflow).isEqualTo(403);

        Response other = server.post("/api/v1/runs/" + id + "/approve", reviewer.secret(), "");
        assertThat(other.status()).as(other.toString()).isEqualTo(200);
        JsonNode done = server.awaitStatus(id, token, DEADLINE, "succeeded", "failed");
        assertThat(done.get("status").asText()).isEqualTo("succeeded");
        assertThat(done.at("/approval/decisions/0/approver").asText()).isEqualTo("hubot");
    }
}
