package dev.pier.config;

import java.time.Duration;
import java.util.List;

/**
 * What an environment asks of a run besides its deployer: approvals, who may signal it over OIDC, a
 * post-deploy check, and whether a crashed attempt may simply be tried again.
 *
 * @param approvals  null when runs deploy without approval
 * @param oidc       null when OIDC tokens may not signal this environment
 * @param check      null when no post-deploy HTTP check runs
 * @param idempotent a deploy interrupted by a crash is queued again as a new attempt of the same run
 */
public record EnvironmentControls(ApprovalRule approvals, OidcRule oidc, HttpCheck check, boolean idempotent) {

    public static final EnvironmentControls NONE = new EnvironmentControls(null, null, null, false);

    /** {@code required} distinct people, none of them the signal's author, within {@code expires}. */
    public record ApprovalRule(int required, Duration expires) {
        public static final Duration DEFAULT_EXPIRY = Duration.ofHours(24);
    }

    /**
     * Which GitHub Actions workflows may signal. Never trust {@code sub} alone: every field here is checked.
     *
     * @param repositoryId      null when not pinned to an id (pin it: a deleted and re-created repo keeps the name)
     * @param repositoryOwnerId null when not pinned
     * @param events            allowed {@code event_name}s; pull_request and friends are refused at load
     * @param refs              glob patterns for {@code ref}; empty allows any
     * @param environment       when set, the token's {@code environment} claim must equal it
     */
    public record OidcRule(String repository, String repositoryId, String repositoryOwnerId, List<String> events,
                           List<String> refs, String environment) {
        public OidcRule {
            events = List.copyOf(events);
            refs = List.copyOf(refs);
        }
    }

    /**
     * An HTTP GET that must answer {@code expectStatus} before {@code deadline}, so that a run's
     * {@code deployed_url} means the service answered.
     *
     * @param url Mustache template, rendered like {@code deployed_url}
     */
    public record HttpCheck(String url, int expectStatus, Duration deadline, Duration interval) {}
}
