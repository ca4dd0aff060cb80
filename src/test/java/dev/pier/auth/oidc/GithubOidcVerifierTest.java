package dev.pier.auth.oidc;

import static dev.pier.auth.oidc.FakeIssuer.AUDIENCE;
import static dev.pier.auth.oidc.FakeIssuer.OWNER_ID;
import static dev.pier.auth.oidc.FakeIssuer.REPOSITORY;
import static dev.pier.auth.oidc.FakeIssuer.REPOSITORY_ID;
import static dev.pier.auth.oidc.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import dev.pier.auth.oidc.OidcRejectedException.Reason;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The claim matrix: one valid push on main, then one change at a time that must be refused. */
class GithubOidcVerifierTest {
    static final RSAKey KEY = FakeIssuer.newKey("gh-key-1");
    static final OidcPolicy MAIN = new OidcPolicy(REPOSITORY, REPOSITORY_ID, OWNER_ID, null,
            List.of("refs/heads/main", "refs/tags/v*"), null);

    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    FakeIssuer issuer;
    HttpClient http;
    GithubOidcVerifier verifier;

    @BeforeEach
    void start() throws Exception {
        issuer = new FakeIssuer(KEY);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        verifier = new GithubOidcVerifier(issuer.settings(), http, new InMemoryJtiLedger(clock), clock);
    }

    @AfterEach
    void stop() {
        http.close();
        issuer.close();
    }

    Map<String, Object> push() {
        return issuer.pushClaims(clock.instant().minusSeconds(5));
    }

    String token(Map<String, Object> claims) {
        return FakeIssuer.sign(KEY, claims);
    }

    @Test
    void a_push_to_main_passes_and_reports_who_sent_it() throws Exception {
        Map<String, Object> claims = push();
        OidcIdentity id = verifier.verify(token(claims), MAIN);
        assertThat(id).isEqualTo(new OidcIdentity("octocat", REPOSITORY, "refs/heads/main",
                "d6cd1e2bd19e03a81132a23b2025920577f84e37", "push", null,
                "repo:" + REPOSITORY + ":ref:refs/heads/main", (String) claims.get("jti")));
    }

    @Test
    void workflow_dispatch_on_a_release_tag_passes_with_an_audience_array() throws Exception {
        Map<String, Object> claims = push();
        claims.put("event_name", "workflow_dispatch");
        claims.put("ref", "refs/tags/v1.4.2");
        claims.put("ref_type", "tag");
        claims.put("aud", List.of("https://github.com/octo-org", AUDIENCE));
        assertThat(verifier.verify(token(claims), MAIN).ref()).isEqualTo("refs/tags/v1.4.2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pull_request", "pull_request_target", "workflow_run", "issue_comment"})
    void events_that_run_untrusted_code_are_refused(String event) {
        Map<String, Object> claims = push();
        claims.put("event_name", event);
        claims.put("sub", "repo:" + REPOSITORY + ":pull_request");
        assertThat(assertRejected(verifier, token(claims), MAIN, Reason.EVENT).getMessage()).contains(event);
    }

    @Test
    void an_event_outside_the_allow_list_is_refused() {
        Map<String, Object> claims = push();
        claims.put("event_name", "schedule");
        assertRejected(verifier, token(claims), MAIN, Reason.EVENT);
    }

    @Test
    void a_fork_is_refused_by_name() {
        Map<String, Object> claims = push();
        claims.put("repository", "other/octo-repo");
        claims.put("repository_owner", "other");
        claims.put("repository_id", "990001");
        claims.put("repository_owner_id", "990002");
        claims.put("sub", "repo:other/octo-repo:ref:refs/heads/main");
        assertRejected(verifier, token(claims), MAIN, Reason.REPOSITORY);
    }

    @Test
    void a_wrong_repository_is_refused_even_when_sub_names_ours() {
        Map<String, Object> claims = push();
        claims.put("repository", "octo-org/other-repo");
        assertRejected(verifier, token(claims), MAIN, Reason.REPOSITORY);
    }

    @Test
    void the_same_name_with_another_repository_id_is_refused() {
        Map<String, Object> claims = push();
        claims.put("repository_id", "990001");
        assertRejected(verifier, token(claims), MAIN, Reason.REPOSITORY_ID);
    }

    @Test
    void the_same_name_under_another_owner_id_is_refused() {
        Map<String, Object> claims = push();
        claims.put("repository_owner_id", "990002");
        assertRejected(verifier, token(claims), MAIN, Reason.REPOSITORY_OWNER_ID);
    }

    @Test
    void missing_ids_are_refused_when_the_policy_pins_them() {
        Map<String, Object> claims = push();
        claims.remove("repository_id");
        assertRejected(verifier, token(claims), MAIN, Reason.REPOSITORY_ID);
    }

    @Test
    void ids_sent_as_json_integers_are_the_same_ids() throws Exception {
        Map<String, Object> claims = push();
        claims.put("repository_id", Long.parseLong(REPOSITORY_ID));
        claims.put("repository_owner_id", Long.parseLong(OWNER_ID));
        assertThat(verifier.verify(token(claims), MAIN).repository()).isEqualTo(REPOSITORY);
    }

    @Test
    void a_claim_of_the_wrong_type_is_malformed() {
        Map<String, Object> claims = push();
        claims.put("event_name", List.of("push"));
        assertRejected(verifier, token(claims), MAIN, Reason.MALFORMED);
    }

    @Test
    void a_wrong_audience_is_refused() {
        Map<String, Object> claims = push();
        claims.put("aud", "https://github.com/octo-org");
        assertRejected(verifier, token(claims), MAIN, Reason.AUDIENCE);
    }

    @Test
    void an_audience_that_only_starts_like_ours_is_refused() {
        Map<String, Object> claims = push();
        claims.put("aud", AUDIENCE + ".evil.example");
        assertRejected(verifier, token(claims), MAIN, Reason.AUDIENCE);
    }

    @Test
    void a_missing_audience_is_refused() {
        Map<String, Object> claims = push();
        claims.remove("aud");
        assertRejected(verifier, token(claims), MAIN, Reason.AUDIENCE);
    }

    @Test
    void another_issuer_is_refused_even_with_a_valid_signature() {
        Map<String, Object> claims = push();
        claims.put("iss", "https://token.actions.githubusercontent.com.evil.example");
        assertRejected(verifier, token(claims), MAIN, Reason.ISSUER);
    }

    @Test
    void an_expired_token_is_refused() {
        Map<String, Object> claims = issuer.pushClaims(clock.instant().minus(Duration.ofMinutes(10)));
        assertRejected(verifier, token(claims), MAIN, Reason.EXPIRED);
    }

    @Test
    void expiry_within_the_skew_passes_and_beyond_it_is_refused() throws Exception {
        Instant iat = clock.instant().minusSeconds(300 + 59); // exp passed 59 s ago; skew is 60 s
        assertThat(verifier.verify(token(issuer.pushClaims(iat)), MAIN)).isNotNull();
        String late = token(issuer.pushClaims(clock.instant().minusSeconds(300 + 61)));
        assertRejected(verifier, late, MAIN, Reason.EXPIRED);
    }

    @Test
    void a_token_without_exp_is_refused() {
        Map<String, Object> claims = push();
        claims.remove("exp");
        assertRejected(verifier, token(claims), MAIN, Reason.MISSING_CLAIM);
    }

    @Test
    void a_token_not_yet_valid_is_refused_beyond_the_skew() throws Exception {
        Map<String, Object> soon = push();
        soon.put("nbf", clock.instant().plusSeconds(59).getEpochSecond());
        assertThat(verifier.verify(token(soon), MAIN)).isNotNull();
        Map<String, Object> later = push();
        later.put("nbf", clock.instant().plusSeconds(61).getEpochSecond());
        assertRejected(verifier, token(later), MAIN, Reason.NOT_YET_VALID);
    }

    @Test
    void a_token_issued_in_the_future_is_refused() {
        Map<String, Object> claims = issuer.pushClaims(clock.instant().plus(Duration.ofMinutes(3)));
        assertRejected(verifier, token(claims), MAIN, Reason.NOT_YET_VALID);
    }

    @Test
    void a_replayed_token_is_refused_on_second_use() throws Exception {
        String token = token(push());
        verifier.verify(token, MAIN);
        assertRejected(verifier, token, MAIN, Reason.REPLAYED);
    }

    @Test
    void a_refused_token_does_not_spend_its_jti() throws Exception {
        String token = token(push());
        assertRejected(verifier, token, OidcPolicy.forRepository("octo-org/other-repo"), Reason.REPOSITORY);
        assertThat(verifier.verify(token, MAIN)).isNotNull();
    }

    @Test
    void a_token_without_jti_is_refused() {
        Map<String, Object> claims = push();
        claims.remove("jti");
        assertRejected(verifier, token(claims), MAIN, Reason.MISSING_CLAIM);
    }

    @Test
    void a_ref_outside_the_patterns_is_refused() {
        Map<String, Object> claims = push();
        claims.put("ref", "refs/heads/feature/x");
        assertRejected(verifier, token(claims), MAIN, Reason.REF);
        Map<String, Object> nested = push();
        nested.put("ref", "refs/tags/v1/evil");
        assertRejected(verifier, token(nested), MAIN, Reason.REF);
    }

    @Test
    void production_requires_the_production_environment() throws Exception {
        OidcPolicy production = new OidcPolicy(REPOSITORY, REPOSITORY_ID, OWNER_ID, null, List.of(), "production");
        Map<String, Object> staging = push();
        staging.put("environment", "staging");
        staging.put("sub", "repo:" + REPOSITORY + ":environment:staging");
        assertRejected(verifier, token(staging), production, Reason.ENVIRONMENT);
        assertRejected(verifier, token(push()), production, Reason.ENVIRONMENT); // no environment at all
        Map<String, Object> prod = push();
        prod.put("environment", "production");
        assertThat(verifier.verify(token(prod), production).environment()).isEqualTo("production");
    }
}
