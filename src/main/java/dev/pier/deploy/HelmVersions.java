package dev.pier.deploy;

import dev.pier.pipeline.Cancellation;
import dev.pier.pipeline.DeployContext;
import dev.pier.pipeline.LogSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which Helm major a binary is, asked once per binary with {@code helm version --template {{.Version}}}.
 * Helm 4 renamed {@code --atomic} to {@code --rollback-on-failure}.
 */
final class HelmVersions {

    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern VERSION = Pattern.compile("^v?(\\d+)\\.(\\d+)\\S*");

    /** @param warning set when the major was assumed rather than read */
    record Detected(int major, String version, String warning) {
        String rollbackFlag() {
            return major >= 4 ? "--rollback-on-failure" : "--atomic";
        }
    }

    static final Detected ASSUMED_3 = new Detected(3, null, null);

    /** Cancelled while asking. */
    static final class ProbeCancelled extends Exception {
        ProbeCancelled() {
            super("cancelled while asking helm for its version");
        }
    }

    private final ProcessGroupRunner runner;
    private final Map<Path, Detected> cache = new ConcurrentHashMap<>();

    HelmVersions(ProcessGroupRunner runner) {
        this.runner = runner;
    }

    /**
     * @param binary  the resolved helm executable
     * @param env     environment for the probe (no secrets)
     * @param context where the probe's process is recorded and its cancellation watched; may be null (plans)
     */
    Detected detect(Path binary, Map<String, String> env, DeployContext context)
            throws ProcessGroupRunner.NotStartedException, ProbeCancelled {
        Path key = binary.toAbsolutePath().normalize();
        Detected known = cache.get(key);
        if (known != null) {
            return known;
        }
        // One probe per binary even when several runs start at once.
        synchronized (this) {
            known = cache.get(key);
            if (known != null) {
                return known;
            }
            ProcessGroupRunner.Result r = runner.run(new ProcessGroupRunner.Invocation(
                    List.of(key.toString(), "version", "--template", "{{.Version}}"),
                    Path.of(System.getProperty("java.io.tmpdir")), env, PROBE_TIMEOUT), new Probe(context));
            if (r.cancelled()) {
                throw new ProbeCancelled();
            }
            if (r.timedOut() || r.exitCode() != 0) {
                // Not cached: a hung or failing helm may answer next time.
                return assume3(binary, r.timedOut() ? "timed out after " + GoDuration.of(PROBE_TIMEOUT)
                        : "exited with code " + r.exitCode());
            }
            String printed = String.join(" | ", r.outputTail().stream().limit(3).toList());
            Detected d = parse(r.outputTail())
                    .orElseGet(() -> assume3(binary, "printed no version ('" + printed + "')"));
            cache.put(key, d);
            return d;
        }
    }

    static java.util.Optional<Detected> parse(List<String> lines) {
        for (String line : lines) {
            Matcher m = VERSION.matcher(line.strip());
            if (m.matches()) {
                return java.util.Optional.of(new Detected(Integer.parseInt(m.group(1)), line.strip(), null));
            }
        }
        return java.util.Optional.empty();
    }

    private static Detected assume3(Path binary, String why) {
        return new Detected(3, null, "warning: '" + binary + " version' " + why + "; assuming Helm 3 (--atomic)");
    }

    /** The probe's output stays out of the run log; its process and cancellation follow the run. */
    private static final class Probe implements DeployContext {
        private static final LogSink QUIET = (stream, text) -> { };
        private final DeployContext run;
        private final Cancellation never = new Cancellation();

        Probe(DeployContext run) {
            this.run = run;
        }

        @Override
        public LogSink log() {
            return QUIET;
        }

        @Override
        public Cancellation cancellation() {
            return run == null ? never : run.cancellation();
        }

        @Override
        public void processStarted(long processGroupId) {
            if (run != null) {
                run.processStarted(processGroupId);
            }
        }

        @Override
        public void processEnded() {
            if (run != null) {
                run.processEnded();
            }
        }
    }
}
