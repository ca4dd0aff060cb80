package dev.pier.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A deployer and its node-owned parameters. One record per deployer type. */
public sealed interface DeployerSpec {

    String type();

    Duration timeout();

    /** Environment for the deployer process: literal (Mustache-templated) values or secret references. */
    Map<String, EnvValue> env();

    /**
     * Every node secret this deployer needs at deploy time. Only these are resolved for a run, handed to the
     * deployer in {@code DeployRequest.secrets()}, and masked in its log. Deployers that take secrets outside
     * {@link #env()} (a token, an HMAC key) add theirs.
     */
    default java.util.Set<String> secretNames() {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        env().values().forEach(v -> {
            if (v instanceof EnvValue.Secret s) {
                names.add(s.name());
            }
        });
        return names;
    }

    /** A value in a deployer's environment. */
    sealed interface EnvValue {
        record Literal(String template) implements EnvValue {}

        record Secret(String name) implements EnvValue {}
    }

    /**
     * {@code helm upgrade --install} with the node's helm binary.
     *
     * @param binary      helm executable (name looked up on PATH, or a path)
     * @param release     Helm release name
     * @param namespace   Kubernetes namespace
     * @param values      node-owned values files, absolute
     * @param imageValues component → Helm value path that receives the image reference
     * @param kubeconfig  kubeconfig file passed as KUBECONFIG; may be null
     * @param kubeContext kube context; may be null
     */
    record Helm(
            String binary,
            String release,
            String namespace,
            List<Path> values,
            Map<String, String> imageValues,
            Path kubeconfig,
            String kubeContext,
            Duration timeout,
            Map<String, EnvValue> env) implements DeployerSpec {
        public Helm {
            values = List.copyOf(values);
            imageValues = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(imageValues));
            env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
        }

        @Override
        public String type() {
            return "helm";
        }
    }

    /**
     * POSTs the release, HMAC-signed, to a deploy controller (seed 001's "Lightway"), then follows its status URL
     * or waits for its signed callback.
     *
     * @param url          where the release is POSTed
     * @param secret       node secret that keys {@code X-Pier-Signature}
     * @param status       how Pier learns the outcome
     * @param pollInterval pause between status GETs
     * @param headers      extra non-secret request headers
     */
    record Webhook(java.net.URI url, String secret, StatusMode status, Duration pollInterval, Duration timeout,
                   Map<String, String> headers) implements DeployerSpec {
        public Webhook {
            headers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
        }

        public enum StatusMode { POLL, CALLBACK }

        @Override
        public String type() {
            return "webhook";
        }

        @Override
        public Map<String, EnvValue> env() {
            return Map.of();
        }

        @Override
        public java.util.Set<String> secretNames() {
            return java.util.Set.of(secret);
        }
    }

    /**
     * Argo CD through its REST API: set the application's Helm parameters (or kustomize images) to the release's
     * references, sync, and wait for Synced and Healthy.
     *
     * @param server         Argo CD's base URL
     * @param appNamespace   the Application's namespace when it is not Argo CD's own; may be null
     * @param project        the Application's project, sent so a wrong one is refused; may be null
     * @param tokenSecret    node secret holding the bearer token
     * @param imageValues    component → Helm parameter name, or (kustomize) the image name to override
     * @param chartRevision  set {@code spec.source.targetRevision} to the release's chart version and sync to it
     * @param insecure       allow plain http to a host that is not loopback
     */
    record ArgoCd(java.net.URI server, String application, String appNamespace, String project, String tokenSecret,
                  Parameters parameters, Map<String, String> imageValues, boolean chartRevision, boolean prune,
                  boolean insecure, Duration pollInterval, Duration timeout) implements DeployerSpec {
        public ArgoCd {
            imageValues = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(imageValues));
        }

        public enum Parameters { HELM, KUSTOMIZE }

        @Override
        public String type() {
            return "argocd";
        }

        @Override
        public Map<String, EnvValue> env() {
            return Map.of();
        }

        @Override
        public java.util.Set<String> secretNames() {
            return java.util.Set.of(tokenSecret);
        }
    }

    /**
     * A chain of templated argv commands. The first that succeeds wins; a failure falls through to
     * the next only when it matches that attempt's {@code fallbackWhen} (seed 003: {@code stacks update}
     * then {@code stack update}).
     *
     * @param workdir  working directory, absolute
     * @param commands the chain, tried in order
     */
    record Command(
            Path workdir,
            List<CommandStep> commands,
            Map<String, String> imageValues,
            Duration timeout,
            Map<String, EnvValue> env) implements DeployerSpec {
        public Command {
            commands = List.copyOf(commands);
            imageValues = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(imageValues));
            env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
        }

        @Override
        public String type() {
            return "command";
        }
    }

    /**
     * {@code docker compose} on a server over SSH: templates rendered with images pinned by digest, secrets only in
     * an env file written over SFTP (0600) and removed when the deploy ends. No local process: {@link #env()} is empty.
     */
    record ComposeSsh(SshTarget ssh, ComposeSettings compose, Duration timeout) implements DeployerSpec {
        @Override
        public String type() {
            return "compose-ssh";
        }

        @Override
        public Map<String, EnvValue> env() {
            return Map.of();
        }

        @Override
        public java.util.Set<String> secretNames() {
            java.util.Set<String> names = new java.util.LinkedHashSet<>();
            compose.envFile().values().forEach(v -> {
                if (v instanceof EnvValue.Secret s) {
                    names.add(s.name());
                }
            });
            return names;
        }
    }

    /**
     * @param argv         Mustache templates, one per argument; never joined into a shell string
     * @param fallbackWhen when this attempt fails in one of these ways, try the next; null = never
     */
    record CommandStep(List<String> argv, Fallback fallbackWhen) {
        public CommandStep {
            argv = List.copyOf(argv);
        }
    }

    /**
     * @param exitCodes      exit codes that mean "this variant is not supported here"
     * @param outputPatterns Java regexes searched for in the attempt's output
     */
    record Fallback(List<Integer> exitCodes, List<String> outputPatterns) {
        public Fallback {
            exitCodes = List.copyOf(exitCodes);
            outputPatterns = List.copyOf(outputPatterns);
        }
    }
}
