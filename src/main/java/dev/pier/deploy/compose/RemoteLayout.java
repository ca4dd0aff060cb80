package dev.pier.deploy.compose;

import java.util.ArrayList;
import java.util.List;

/**
 * Where things live on the server, under {@code remote_dir}:
 * <pre>
 * releases/&lt;run-id&gt;/compose.yaml …   rendered templates, no secrets (kept for rollback)
 * releases/&lt;run-id&gt;/release.json     what was deployed, by digest
 * releases/&lt;run-id&gt;/secrets.env      the env file: 0600, only while a deploy of it runs
 * current -&gt; releases/&lt;run-id&gt;      the release now deployed
 * history                             run ids that became current, oldest first (rollback pops the last)
 * </pre>
 */
record RemoteLayout(String remoteDir) {

    static final String ENV_FILE = "secrets.env";
    static final String RELEASE_JSON = "release.json";

    String releases() {
        return remoteDir + "/releases";
    }

    String release(String runId) {
        return releases() + "/" + runId;
    }

    String envFile(String runId) {
        return release(runId) + "/" + ENV_FILE;
    }

    String releaseJson(String runId) {
        return release(runId) + "/" + RELEASE_JSON;
    }

    String current() {
        return remoteDir + "/current";
    }

    String history() {
        return remoteDir + "/history";
    }

    /**
     * {@code docker compose -p P --project-directory remote_dir -f releases/<id>/a.yaml … --env-file …}: the project
     * directory stays {@code remote_dir} for every release, so relative paths in the compose files (bind mounts,
     * build contexts) do not move with each release.
     */
    List<String> compose(String docker, String project, String runId, List<String> files) {
        List<String> argv = new ArrayList<>(List.of(docker, "compose", "-p", project, "--project-directory", remoteDir));
        files.forEach(f -> {
            argv.add("-f");
            argv.add(release(runId) + "/" + f);
        });
        argv.add("--env-file");
        argv.add(envFile(runId));
        return argv;
    }
}
