package dev.pier.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.auth.Scope.Action;
import org.junit.jupiter.api.Test;

class ScopeTest {

    @Test
    void a_scope_allows_its_action_on_matching_apps_and_environments_only() {
        Scope s = Scope.parse("signal:pytoya/staging");
        assertThat(s.allows(Action.SIGNAL, "pytoya", "staging")).isTrue();
        assertThat(s.allows(Action.SIGNAL, "pytoya", "production")).isFalse();
        assertThat(s.allows(Action.APPROVE, "pytoya", "staging")).isFalse();
        assertThat(s.allows(Action.SIGNAL, "other", "staging")).isFalse();
    }

    @Test
    void globs_match_within_a_name_and_admin_allows_every_action() {
        Scope approvers = Scope.parse("approve:*/prod*");
        assertThat(approvers.allows(Action.APPROVE, "pytoya", "production")).isTrue();
        assertThat(approvers.allows(Action.APPROVE, "quantum", "prod")).isTrue();
        assertThat(approvers.allows(Action.APPROVE, "pytoya", "staging")).isFalse();
        Scope admin = Scope.parse("admin");
        assertThat(admin.allows(Action.SIGNAL, "any", "env")).isTrue();
        assertThat(admin.allows(Action.APPROVE, "any", "env")).isTrue();
        assertThat(Scope.parse("signal:pytoya").allows(Action.SIGNAL, "pytoya", "anything")).isTrue();
    }

    @Test
    void a_glob_never_matches_across_the_app_environment_separator_or_as_a_regex() {
        assertThat(Scope.glob("py.oya", "pyXoya")).as("regex characters are literal").isFalse();
        assertThat(Scope.glob("py*", "pytoya")).isTrue();
        assertThat(Scope.parse("signal:pytoya/staging").allows(Action.SIGNAL, "pytoya", "staging/x")).isFalse();
    }

    @Test
    void malformed_scopes_are_refused_with_a_clear_message() {
        assertThatThrownBy(() -> Scope.parse("deploy:pytoya")).hasMessageContaining("unknown action 'deploy'");
        assertThatThrownBy(() -> Scope.parse("signal:Py toya/x")).hasMessageContaining("ACTION[:APP[/ENV]]");
        assertThatThrownBy(() -> Scope.parse("signal:(.*)/x")).hasMessageContaining("ACTION[:APP[/ENV]]");
    }

    @Test
    void a_scope_prints_as_it_is_parsed() {
        assertThat(Scope.parse("approve:*/production").toString()).isEqualTo("approve:*/production");
        assertThat(Scope.parse("admin").toString()).isEqualTo("admin");
    }
}
