package dev.pier.auth.oidc;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a token must show to be accepted. {@code events} null means push and workflow_dispatch; {@code refs} empty
 * means any ref (patterns: {@code *} within one path segment, {@code **} across segments). Ids and environment are
 * optional; set the ids, since a repository name can be deleted and re-registered by someone else.
 */
public record OidcPolicy(String repository, String repositoryId, String repositoryOwnerId, List<String> events,
                         List<String> refs, String environment) {
    /** Events whose workflows run code or inputs from outside the repository's trusted branches. */
    public static final Set<String> FORBIDDEN_EVENTS =
            Set.of("pull_request", "pull_request_target", "workflow_run", "issue_comment");
    public static final List<String> DEFAULT_EVENTS = List.of("push", "workflow_dispatch");
    private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]*)/[A-Za-z0-9._-]+");
    private static final Pattern ID = Pattern.compile("[0-9]+");

    public OidcPolicy {
        if (repository == null || !REPOSITORY.matcher(repository).matches()) {
            throw new IllegalArgumentException("OIDC policy repository must be owner/name: " + repository);
        }
        requireId("repositoryId", repositoryId);
        requireId("repositoryOwnerId", repositoryOwnerId);
        events = List.copyOf(events == null ? DEFAULT_EVENTS : events);
        if (events.isEmpty()) {
            throw new IllegalArgumentException("OIDC policy must allow at least one event");
        }
        for (String event : events) {
            if (event == null || event.isBlank()) {
                throw new IllegalArgumentException("OIDC policy has a blank event");
            }
            if (FORBIDDEN_EVENTS.contains(event)) {
                throw new IllegalArgumentException("OIDC policy may never allow the event " + event
                        + ": its workflows can run untrusted code with the repository's identity");
            }
        }
        refs = List.copyOf(refs == null ? List.of() : refs);
        refs.forEach(RefGlob::compile); // fail now, not on the first token
        if (environment != null && environment.isBlank()) {
            throw new IllegalArgumentException("OIDC policy environment must be null or a name");
        }
    }

    /** Only the repository; default events, any ref, no environment. */
    public static OidcPolicy forRepository(String repository) {
        return new OidcPolicy(repository, null, null, null, null, null);
    }

    boolean allowsRef(String ref) {
        return refs.isEmpty() || (ref != null && refs.stream().anyMatch(p -> RefGlob.compile(p).matcher(ref).matches()));
    }

    private static void requireId(String what, String id) {
        if (id != null && !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("OIDC policy " + what + " must be decimal digits: " + id);
        }
    }
}
