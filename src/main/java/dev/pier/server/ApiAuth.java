package dev.pier.server;

import dev.pier.auth.Principal;
import dev.pier.auth.Scope;
import dev.pier.auth.Tokens;
import dev.pier.auth.oidc.GithubOidcVerifier;
import dev.pier.auth.oidc.OidcIdentity;
import dev.pier.auth.oidc.OidcPolicy;
import dev.pier.auth.oidc.OidcRejectedException;
import dev.pier.config.EnvironmentControls.OidcRule;
import dev.pier.config.NodeConfig;
import dev.pier.config.ServerSpec;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who is calling. An API token names a person and their scopes; an OIDC token names a workflow run, and is
 * checked against the policy of the environment it targets, so it becomes a principal only once the target
 * is known. No credentials and a non-loopback client, or anonymous access off: 401.
 */
public final class ApiAuth {

    private static final Set<OidcRejectedException.Reason> OUT_OF_SCOPE = EnumSet.of(
            OidcRejectedException.Reason.REPOSITORY, OidcRejectedException.Reason.REPOSITORY_ID,
            OidcRejectedException.Reason.REPOSITORY_OWNER_ID, OidcRejectedException.Reason.EVENT,
            OidcRejectedException.Reason.REF, OidcRejectedException.Reason.ENVIRONMENT);

    private final Tokens tokens;
    private final NodeConfig config;
    private final GithubOidcVerifier signals;
    private final GithubOidcVerifier reads;

    /**
     * @param signals verifies OIDC tokens for signals, spending each {@code jti} once; null when OIDC is off
     * @param reads   verifies OIDC tokens for reading a run without spending the {@code jti}, so a workflow
     *                can poll with the token it signalled with
     */
    public ApiAuth(Tokens tokens, NodeConfig config, GithubOidcVerifier signals, GithubOidcVerifier reads) {
        this.tokens = tokens;
        this.config = config;
        this.signals = signals;
        this.reads = reads;
    }

    sealed interface Caller {
        record Known(Principal principal) implements Caller {}

        record Oidc(String jwt) implements Caller {}
    }

    Caller identify(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            if (config.server().anonymous() == ServerSpec.Anonymous.LOOPBACK && loopback(ctx.req().getRemoteAddr())) {
                return new Caller.Known(new Principal("anonymous", "anonymous", List.of(Scope.parse("admin"))));
            }
            throw ApiException.unauthorized("no credentials: send Authorization: Bearer <token> (pier token create"
                    + " makes one)");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiException.unauthorized("unsupported Authorization scheme: use Bearer <token>");
        }
        String bearer = header.substring(7).trim();
        if (GithubOidcVerifier.looksLikeJwt(bearer)) {
            if (signals == null) {
                throw ApiException.unauthorized("OIDC tokens are not accepted: this server has no server.oidc config");
            }
            return new Caller.Oidc(bearer);
        }
        return tokens.authenticate(bearer).<Caller>map(Caller.Known::new)
                .orElseThrow(() -> ApiException.unauthorized("invalid, expired or revoked token"));
    }

    /** The caller as a principal allowed {@code action} on the app and environment; 403 otherwise. */
    Principal require(Caller caller, Scope.Action action, String app, String env) {
        return switch (caller) {
            case Caller.Known k -> {
                if (!k.principal().may(action, app, env)) {
                    throw ApiException.forbidden(k.principal().name() + "'s token does not allow " + action.wire()
                            + " on " + app + "/" + env);
                }
                yield k.principal();
            }
            case Caller.Oidc o -> {
                if (action != Scope.Action.SIGNAL) {
                    throw ApiException.forbidden("an OIDC token may only send signals and read their runs; "
                            + action.wire() + " needs a person's API token");
                }
                yield oidc(signals, o.jwt(), app, env);
            }
        };
    }

    /** The caller, if they may see runs of the app and environment; 403 otherwise. */
    Principal requireRead(Caller caller, String app, String env) {
        return switch (caller) {
            case Caller.Known k -> {
                if (!k.principal().sees(app, env)) {
                    throw ApiException.forbidden(k.principal().name() + "'s token does not cover " + app + "/" + env);
                }
                yield k.principal();
            }
            case Caller.Oidc o -> oidc(reads, o.jwt(), app, env);
        };
    }

    /**
     * Before an OIDC caller learns why its signal is invalid: its token must verify, without being spent, against
     * the policy of the environment the signal names. Violations name configured apps, environments, registries
     * and organisations; a bearer that merely has the shape of a JWT must learn none of them. API tokens were
     * verified by {@link #identify}.
     */
    void requireVerifiedSignaller(Caller caller, String app, String env) {
        if (!(caller instanceof Caller.Oidc o)) {
            return;
        }
        String target = env != null ? env : config.app(app == null ? "" : app)
                .filter(a -> a.environments().size() == 1)
                .map(a -> a.environments().keySet().iterator().next()).orElse(null);
        if (app == null || target == null || config.app(app).flatMap(a -> a.environment(target)).isEmpty()) {
            throw ApiException.unauthorized("OIDC token not checked: it is checked against the oidc: policy of the"
                    + " environment the signal names, and this signal names none that is configured (check app"
                    + " and env)");
        }
        oidc(reads, o.jwt(), app, target);
    }

    Optional<Principal> known(Caller caller) {
        return caller instanceof Caller.Known k ? Optional.of(k.principal()) : Optional.empty();
    }

    private Principal oidc(GithubOidcVerifier verifier, String jwt, String app, String env) {
        OidcRule rule = config.app(app).flatMap(a -> a.environment(env)).map(e -> e.controls().oidc()).orElse(null);
        if (rule == null) {
            throw ApiException.forbidden(app + "/" + env + " does not accept OIDC tokens (no oidc: policy in its"
                    + " environment config)");
        }
        OidcPolicy policy = new OidcPolicy(rule.repository(), rule.repositoryId(), rule.repositoryOwnerId(),
                rule.events(), rule.refs(), rule.environment());
        try {
            OidcIdentity id = verifier.verify(jwt, policy);
            return new Principal(id.actor() == null ? "workflow:" + id.repository() : id.actor(),
                    "oidc:" + id.repository() + "@" + id.ref(),
                    List.of(new Scope(Scope.Action.SIGNAL, app, env)));
        } catch (OidcRejectedException e) {
            if (e.reason() == OidcRejectedException.Reason.KEYS_UNAVAILABLE) {
                throw new ApiException(503, "oidc_unavailable", "cannot check the OIDC token now: " + e.getMessage());
            }
            if (OUT_OF_SCOPE.contains(e.reason())) {
                throw ApiException.forbidden("OIDC token refused for " + app + "/" + env + ": " + e.getMessage());
            }
            throw ApiException.unauthorized("OIDC token refused: " + e.getMessage());
        }
    }

    private static boolean loopback(String address) {
        try {
            return address != null && InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
