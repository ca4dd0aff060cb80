package dev.pier.pipeline;

import java.util.List;

/**
 * A deploy mechanism (helm, command, …). Implementations live in {@code dev.pier.deploy};
 * the pipeline knows only this port. One instance serves every environment of its type:
 * the parameters come with each request.
 */
public interface Deployer {

    /** The config's {@code deployer.type}. */
    String type();

    /** The exact commands a deploy would run, for {@code --dry-run}. Runs nothing that deploys. */
    List<PlannedCommand> plan(DeployRequest request);

    /**
     * Deploys. Never throws for a deploy that ran and failed: that is a {@link DeployOutcome.Failed}.
     * Must stop its processes and return {@link DeployOutcome.Cancelled} when the context is cancelled.
     */
    DeployOutcome deploy(DeployRequest request, DeployContext context);
}
