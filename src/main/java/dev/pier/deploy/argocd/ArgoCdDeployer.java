package dev.pier.deploy.argocd;

import dev.pier.config.DeployerSpec;
import dev.pier.deploy.http.ControllerHttp;
import dev.pier.pipeline.DeployContext;
import dev.pier.pipeline.DeployOutcome;
import dev.pier.pipeline.DeployRequest;
import dev.pier.pipeline.Deployer;
import dev.pier.pipeline.PlannedCommand;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;

/**
 * Type {@code argocd}: points an Argo CD Application at the release (Helm parameters or kustomize images, by
 * digest when pinned), syncs it, and waits until the sync succeeded and the application is Synced and Healthy;
 * otherwise the run fails with Argo CD's own message.
 */
public final class ArgoCdDeployer implements Deployer {

    private final HttpClient http;

    public ArgoCdDeployer() {
        this(ControllerHttp.client());
    }

    public ArgoCdDeployer(HttpClient http) {
        this.http = http;
    }

    @Override
    public String type() {
        return "argocd";
    }

    @Override
    public List<PlannedCommand> plan(DeployRequest request) {
        DeployerSpec.ArgoCd spec = spec(request);
        ArgoCdClient client = new ArgoCdClient(spec, "", null);
        Map<String, String> auth = Map.of("Authorization", "Bearer *** (secret " + spec.tokenSecret() + ")");
        String what = spec.parameters() == DeployerSpec.ArgoCd.Parameters.HELM
                ? "set helm parameters " + spec.imageValues().values() : "set kustomize images";
        return List.of(
                new PlannedCommand(List.of("GET", client.applicationUrl().toString()), request.workDir(), auth,
                        "read the application"),
                new PlannedCommand(List.of("PATCH", client.patchUrl().toString()), request.workDir(), auth,
                        what + " (merge patch)" + (spec.chartRevision() ? " and targetRevision" : "")),
                new PlannedCommand(List.of("POST", client.syncUrl().toString()), request.workDir(), auth,
                        "sync" + (spec.prune() ? " with prune" : "")),
                new PlannedCommand(List.of("GET", client.applicationUrl().toString()), request.workDir(), auth,
                        "every " + spec.pollInterval().toSeconds() + "s until Synced and Healthy, up to "
                                + spec.timeout().toSeconds() + "s in all"));
    }

    @Override
    public DeployOutcome deploy(DeployRequest request, DeployContext context) {
        DeployerSpec.ArgoCd spec = spec(request);
        String token = request.secrets().get(spec.tokenSecret());
        if (token == null) {
            return new DeployOutcome.Failed("not_started", "argocd", null, "secret '" + spec.tokenSecret()
                    + "' was not provided to this run");
        }
        ControllerHttp io = new ControllerHttp(http, context.cancellation());
        return new ArgoCdRun(spec, new ArgoCdClient(spec, token, io), io, request.release(), context).run();
    }

    private static DeployerSpec.ArgoCd spec(DeployRequest request) {
        if (!(request.environment().deployer() instanceof DeployerSpec.ArgoCd a)) {
            throw new IllegalArgumentException("argocd deployer given a " + request.environment().deployer().type()
                    + " deployer spec");
        }
        return a;
    }
}
