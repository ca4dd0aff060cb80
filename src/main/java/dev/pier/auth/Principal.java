package dev.pier.auth;

import java.util.List;

/**
 * Who is calling: a person or a workflow, and what they may do.
 *
 * @param name   the person: a token's owner, an OIDC token's {@code actor}; the four-eyes rule compares these
 * @param via    how they authenticated, for the record: {@code token:tok_…}, {@code oidc:acme/app@refs/heads/main}
 * @param scopes what they may do
 */
public record Principal(String name, String via, List<Scope> scopes) {

    public Principal {
        scopes = List.copyOf(scopes);
    }

    public boolean may(Scope.Action action, String app, String environment) {
        return scopes.stream().anyMatch(s -> s.allows(action, app, environment));
    }

    public boolean sees(String app, String environment) {
        return scopes.stream().anyMatch(s -> s.covers(app, environment));
    }

    public boolean isAdmin() {
        return scopes.stream().anyMatch(s -> s.action() == Scope.Action.ADMIN && "*".equals(s.apps())
                && "*".equals(s.environments()));
    }
}
