package dev.pier.auth.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OidcPolicyTest {
    @ParameterizedTest
    @ValueSource(strings = {"pull_request", "pull_request_target", "workflow_run", "issue_comment"})
    void forbidden_events_cannot_be_allowed(String event) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new OidcPolicy("octo-org/octo-repo", null, null, List.of("push", event), null, null))
                .withMessageContaining(event);
    }

    @Test
    void defaults_are_push_and_workflow_dispatch_and_any_ref() {
        OidcPolicy policy = OidcPolicy.forRepository("octo-org/octo-repo");
        assertThat(policy.events()).containsExactly("push", "workflow_dispatch");
        assertThat(policy.refs()).isEmpty();
        assertThat(policy.allowsRef("refs/heads/anything")).isTrue();
        assertThat(policy.allowsRef(null)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"octo-repo", "octo-org/", "/octo-repo", "a/b/c", "octo org/x"})
    void repository_must_be_owner_slash_name(String repository) {
        assertThatIllegalArgumentException().isThrownBy(() -> OidcPolicy.forRepository(repository));
    }

    @Test
    void bad_ids_environment_and_patterns_are_refused() {
        assertThatIllegalArgumentException().isThrownBy(() -> new OidcPolicy("o/r", "12a", null, null, null, null));
        assertThatIllegalArgumentException().isThrownBy(() -> new OidcPolicy("o/r", null, " ", null, null, null));
        assertThatIllegalArgumentException().isThrownBy(() -> new OidcPolicy("o/r", null, null, List.of(), null, null));
        assertThatIllegalArgumentException().isThrownBy(() -> new OidcPolicy("o/r", null, null, null, List.of("main"), null));
        assertThatIllegalArgumentException().isThrownBy(() -> new OidcPolicy("o/r", null, null, null, null, " "));
    }

    @Test
    void lists_are_copied() {
        List<String> events = new ArrayList<>(List.of("push"));
        OidcPolicy policy = new OidcPolicy("o/r", null, null, events, null, null);
        events.add("pull_request");
        assertThat(policy.events()).containsExactly("push");
    }

    @ParameterizedTest
    @CsvSource({
            "refs/heads/main, refs/heads/main, true",
            "refs/heads/main, refs/heads/main2, false",
            "refs/heads/main, refs/heads/mai, false",
            "refs/tags/v*, refs/tags/v1.2.3, true",
            "refs/tags/v*, refs/tags/v1/evil, false",
            "refs/tags/v*, refs/tags/x1, false",
            "refs/heads/release/**, refs/heads/release/2026/03, true",
            "refs/heads/release/**, refs/heads/releases, false",
            "refs/heads/a.b, refs/heads/aXb, false",
    })
    void ref_patterns(String pattern, String ref, boolean matches) {
        OidcPolicy policy = new OidcPolicy("o/r", null, null, null, List.of(pattern), null);
        assertThat(policy.allowsRef(ref)).isEqualTo(matches);
    }

    @Test
    void with_patterns_a_missing_ref_is_refused() {
        assertThat(new OidcPolicy("o/r", null, null, null, List.of("refs/heads/main"), null).allowsRef(null)).isFalse();
    }
}
