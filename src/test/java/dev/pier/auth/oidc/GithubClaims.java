package dev.pier.auth.oidc;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** The claims GitHub Actions puts in an OIDC token for a push to main, for tests that mint tokens. */
public final class GithubClaims {

    private GithubClaims() {}

    /**
     * @param ids {@code repository_id}, {@code repository_owner_id}
     */
    public static Map<String, Object> pushToMain(String issuer, String audience, String repository, String actor,
                                                 String repositoryId, String ownerId, long iat) {
        String owner = repository.substring(0, repository.indexOf('/'));
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("jti", UUID.randomUUID().toString());
        c.put("sub", "repo:" + repository + ":ref:refs/heads/main");
        c.put("aud", audience);
        c.put("ref", "refs/heads/main");
        c.put("sha", "d6cd1e2bd19e03a81132a23b2025920577f84e37");
        c.put("repository", repository);
        c.put("repository_owner", owner);
        c.put("repository_owner_id", ownerId);
        c.put("repository_visibility", "private");
        c.put("repository_id", repositoryId);
        c.put("actor_id", "1201");
        c.put("actor", actor);
        c.put("run_id", "5123456789");
        c.put("run_number", "42");
        c.put("run_attempt", "1");
        c.put("runner_environment", "github-hosted");
        c.put("workflow", "deploy");
        c.put("head_ref", "");
        c.put("base_ref", "");
        c.put("event_name", "push");
        c.put("ref_type", "branch");
        c.put("workflow_ref", repository + "/.github/workflows/deploy.yml@refs/heads/main");
        c.put("job_workflow_ref", repository + "/.github/workflows/deploy.yml@refs/heads/main");
        c.put("iss", issuer);
        c.put("nbf", iat - 600);
        c.put("exp", iat + 300);
        c.put("iat", iat);
        return c;
    }
}
