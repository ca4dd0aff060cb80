package dev.pier.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.auth.Principal;
import dev.pier.config.NodeConfig;
import dev.pier.json.Json;
import dev.pier.pipeline.Release;
import dev.pier.pipeline.Run;
import dev.pier.pipeline.RunStatus;
import dev.pier.pipeline.RunStore;
import io.javalin.http.Context;
import java.util.List;

/** {@code GET /api/v1/environments}: per app and environment, what runs there now and what waits. */
final class EnvironmentsApi {

    private final NodeConfig config;
    private final RunStore runs;
    private final ApiAuth auth;

    EnvironmentsApi(NodeConfig config, RunStore runs, ApiAuth auth) {
        this.config = config;
        this.runs = runs;
        this.auth = auth;
    }

    void list(Context ctx) {
        Principal p = auth.known(auth.identify(ctx)).orElseThrow(() -> ApiException.forbidden(
                "an OIDC token may read only the runs it signalled, by id"));
        List<Run> unfinished = runs.unfinished();
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode list = out.putArray("environments");
        config.apps().forEach((app, spec) -> spec.environments().forEach((env, e) -> {
            if (!p.sees(app, env)) {
                return;
            }
            ObjectNode n = list.addObject();
            n.put("app", app).put("environment", env).put("deployer", e.deployer().type())
                    .put("approvals_required", e.controls().approvals() == null ? 0 : e.controls().approvals().required());
            List<Run> current = runs.list(new RunStore.RunQuery(app, env, RunStatus.SUCCEEDED, 1));
            if (current.isEmpty()) {
                n.putNull("current");
            } else {
                Run c = current.get(0);
                ObjectNode cur = n.putObject("current");
                cur.put("run_id", c.id()).put("deployed_url", c.deployedUrl()).put("at", c.updatedAt().toString());
                cur.set("release", release(c.release()));
            }
            List<Run> here = unfinished.stream().filter(r -> r.app().equals(app) && r.environment().equals(env))
                    .toList();
            Run executing = here.stream().filter(r -> r.status().isExecuting()).findFirst().orElse(null);
            if (executing == null) {
                n.putNull("in_progress");
            } else {
                n.set("in_progress", summary(executing));
            }
            ArrayNode queue = n.putArray("queue");
            here.stream().filter(r -> !r.status().isExecuting()).forEach(r -> queue.add(summary(r)));
            // Holds and pins arrive with promotion; until then no environment is held.
            n.putObject("hold").put("held", false);
        }));
        PierServer.send(ctx, 200, out);
    }

    private static ObjectNode summary(Run r) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("run_id", r.id()).put("status", r.status().wireName()).put("actor", r.signal().actor())
                .put("created_at", r.createdAt().toString());
        return n;
    }

    private static ObjectNode release(Release r) {
        ObjectNode n = Json.mapper().createObjectNode();
        if (r.chart() != null) {
            n.putObject("chart").put("repository", r.chart().repository()).put("version", r.chart().version())
                    .put("digest", r.chart().digest());
        }
        ObjectNode images = n.putObject("images");
        r.images().forEach((c, ref) -> images.putObject(c).put("reference", ref.deploy()).put("digest", ref.digest()));
        return n;
    }
}
