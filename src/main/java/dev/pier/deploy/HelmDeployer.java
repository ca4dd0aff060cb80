package dev.pier.deploy;

import dev.pier.config.DeployerSpec;
import dev.pier.pipeline.DeployContext;
import dev.pier.pipeline.DeployOutcome;
import dev.pier.pipeline.DeployRequest;
import dev.pier.pipeline.Deployer;
import dev.pier.pipeline.PlannedCommand;
import dev.pier.pipeline.Release;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Type {@code helm}: {@code helm upgrade --install} with the node's helm binary. The Helm major is asked
 * lazily (first plan or deploy, once per binary) because Helm 4 renamed {@code --atomic}.
 */
public final class HelmDeployer implements Deployer {

    /** Helm's --timeout bounds the upgrade's wait and, again, the rollback's wait; the hard stop lies past both. */
    static Duration hardStop(Duration helmTimeout) {
        return helmTimeout.multipliedBy(2).plusMinutes(1);
    }

    /** Where a digest-pinned chart is written in the run's work directory. */
    static final String PINNED_CHART = "chart.tgz";

    private final ProcessGroupRunner runner;
    private final HelmVersions versions;
    private final ChartSource charts;

    /** Without a chart source: for nodes with no registry client, where charts are never digest-pinned. */
    public HelmDeployer(ProcessGroupRunner runner) {
        this(runner, (chart, target) -> {
            throw new IOException("this node has no registry client to fetch " + chart.repository() + "@"
                    + chart.digest());
        });
    }

    public HelmDeployer(ProcessGroupRunner runner, ChartSource charts) {
        this.runner = runner;
        this.versions = new HelmVersions(runner);
        this.charts = charts;
    }

    @Override
    public String type() {
        return "helm";
    }

    @Override
    public List<PlannedCommand> plan(DeployRequest request) {
        DeployerSpec.Helm spec = spec(request);
        Map<String, Object> model = Templates.model(request);
        Map<String, String> env = env(request, spec, model, DeployEnvironment.Secrets.MASKED);
        HelmVersions.Detected v = null;
        Optional<Path> binary = binary(spec, request, model);
        if (binary.isPresent()) {
            try {
                v = versions.detect(binary.get(), probeEnv(request, spec, model), null);
            } catch (ProcessGroupRunner.NotStartedException | HelmVersions.ProbeCancelled e) {
                v = null; // a plan still shows what would run
            }
        }
        String note = v == null
                ? "helm binary '" + spec.binary() + "' not found or not runnable: assuming Helm 3 (--atomic)"
                : v.warning() != null ? v.warning() : "Helm " + v.version() + ": " + v.rollbackFlag();
        if (v == null) {
            v = HelmVersions.ASSUMED_3;
        }
        return List.of(new PlannedCommand(argv(spec, request.release(), v, request.workDir()), request.workDir(), env,
                request.release().chart() != null && request.release().chart().digest() != null
                        ? note + "; the chart is pulled by digest into " + PINNED_CHART + " first" : note));
    }

    @Override
    public DeployOutcome deploy(DeployRequest request, DeployContext context) {
        DeployerSpec.Helm spec = spec(request);
        Map<String, Object> model;
        Map<String, String> env;
        try {
            ReleaseFiles.write(request, spec.imageValues());
            model = Templates.model(request);
            env = env(request, spec, model, DeployEnvironment.Secrets.REAL);
            argv(spec, request.release(), HelmVersions.ASSUMED_3, request.workDir()); // refuse bad input early
        } catch (IOException e) {
            return new DeployOutcome.Failed("not_started", "prepare helm", null,
                    "cannot write release files into " + request.workDir() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            return new DeployOutcome.Failed("not_started", "prepare helm", null, e.getMessage());
        }
        Optional<Path> binary = binary(spec, request, model);
        if (binary.isEmpty()) {
            return notFound(spec, "not found" + (spec.binary().contains("/") ? " or not executable" : " on PATH"));
        }
        HelmVersions.Detected v;
        try {
            v = versions.detect(binary.get(), probeEnv(request, spec, model), context);
        } catch (ProcessGroupRunner.NotStartedException e) {
            return notFound(spec, "could not be started: " + e.getMessage());
        } catch (HelmVersions.ProbeCancelled e) {
            return new DeployOutcome.Cancelled(context.cancellation().reason());
        }
        context.log().pier(v.warning() != null ? v.warning() : "helm " + v.version() + ": using " + v.rollbackFlag());
        Release.ChartRef chart = request.release().chart();
        if (chart.digest() != null) {
            try {
                charts.fetch(chart, request.workDir().resolve(PINNED_CHART));
                context.log().pier("chart " + chart.repository() + "@" + chart.digest() + " pulled and verified");
            } catch (IOException e) {
                return new DeployOutcome.Failed("not_started", "pull chart", null, e.getMessage());
            }
        }
        List<String> argv = argv(spec, request.release(), v, request.workDir());
        context.log().pier("helm upgrade: " + String.join(" ", argv));
        ProcessGroupRunner.Result r;
        try {
            r = runner.run(new ProcessGroupRunner.Invocation(argv, request.workDir(), env, hardStop(spec.timeout())),
                    context);
        } catch (ProcessGroupRunner.NotStartedException e) {
            return new DeployOutcome.Failed("not_started", "helm upgrade", null, e.getMessage());
        }
        if (r.cancelled()) {
            return new DeployOutcome.Cancelled(context.cancellation().reason());
        }
        if (r.timedOut()) {
            return new DeployOutcome.Failed("timed_out", "helm upgrade", null, "helm did not finish within "
                    + GoDuration.of(hardStop(spec.timeout())) + " (its --timeout was "
                    + GoDuration.of(spec.timeout()) + ")");
        }
        if (!r.succeeded()) {
            return new DeployOutcome.Failed("deploy_failed", "helm upgrade", r.exitCode(),
                    "helm upgrade --install " + spec.release() + " exited with code " + r.exitCode());
        }
        return new DeployOutcome.Succeeded("helm upgrade --install " + spec.release() + " succeeded in namespace "
                + spec.namespace());
    }

    /** The exact argv; image references go in as {@code --set-string}, one per component. */
    static List<String> argv(DeployerSpec.Helm spec, Release release, HelmVersions.Detected version, Path workDir) {
        Release.ChartRef chart = release.chart();
        if (chart == null || chart.repository() == null || chart.version() == null) {
            throw new IllegalArgumentException("the helm deployer needs a chart with a version; the release has none");
        }
        List<String> argv = new ArrayList<>(List.of(spec.binary(), "upgrade", "--install", spec.release()));
        if (chart.digest() != null) {
            // Pinned: the verified local file; helm needs no registry access, and --version does not apply.
            argv.add(workDir.resolve(PINNED_CHART).toString());
        } else {
            argv.addAll(List.of(chart.repository(), "--version", chart.version()));
        }
        argv.addAll(List.of("--namespace", spec.namespace()));
        // The run's values.yaml is not passed: --set-string carries the same images and outranks values files.
        spec.values().forEach(v -> argv.addAll(List.of("--values", v.toString())));
        argv.addAll(List.of(version.rollbackFlag(), "--wait", "--timeout", GoDuration.of(spec.timeout())));
        if (spec.kubeContext() != null) {
            argv.addAll(List.of("--kube-context", spec.kubeContext()));
        }
        spec.imageValues().forEach((component, path) -> {
            Release.ArtifactRef ref = release.images().get(component);
            if (ref == null) {
                throw new IllegalArgumentException("imageValues names component '" + component
                        + "', which the release does not have (it has " + release.images().keySet() + ")");
            }
            // Helm's --set parser splits on ',' and '=' and unescapes '\': no valid reference holds them.
            if (ref.deploy().matches(".*[,=\\\\].*")) {
                throw new IllegalArgumentException("image reference for '" + component + "' contains ',', '=' or '\\': "
                        + ref.deploy());
            }
            argv.addAll(List.of("--set-string", path + "=" + ref.deploy()));
        });
        return argv;
    }

    private static DeployerSpec.Helm spec(DeployRequest request) {
        if (!(request.environment().deployer() instanceof DeployerSpec.Helm h)) {
            throw new IllegalArgumentException("helm deployer given a " + request.environment().deployer().type()
                    + " deployer spec");
        }
        return h;
    }

    private static Map<String, String> env(DeployRequest request, DeployerSpec.Helm spec, Map<String, Object> model,
                                           DeployEnvironment.Secrets secrets) {
        Map<String, String> env = DeployEnvironment.build(request, spec, model, secrets);
        if (spec.kubeconfig() != null) {
            env.put("KUBECONFIG", spec.kubeconfig().toString());
        }
        return env;
    }

    private static Map<String, String> probeEnv(DeployRequest request, DeployerSpec.Helm spec,
                                                Map<String, Object> model) {
        return env(request, spec, model, DeployEnvironment.Secrets.OMITTED);
    }

    /** Looked up with the PATH the deployer's process will see. */
    private static Optional<Path> binary(DeployerSpec.Helm spec, DeployRequest request, Map<String, Object> model) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(probeEnv(request, spec, model));
        return Executables.find(spec.binary(), env.get("PATH"), request.workDir());
    }

    private static DeployOutcome notFound(DeployerSpec.Helm spec, String why) {
        return new DeployOutcome.Failed("not_started", "helm version", null,
                "helm binary '" + spec.binary() + "' " + why);
    }
}
