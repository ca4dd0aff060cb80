package dev.pier.server;

import dev.pier.config.NodeConfig;
import dev.pier.oci.registry.RequestListener;
import dev.pier.pipeline.Run;
import dev.pier.pipeline.RunStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Prometheus metrics, all named {@code pier_…} and all registered at start-up (at zero), so a dashboard or an
 * alert never sees a series appear from nowhere.
 */
public final class ServerMetrics implements RequestListener {

    private static final String[] OUTCOMES = {"2xx", "3xx", "4xx", "5xx", "error"};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<RunStatus, Timer> durations = new EnumMap<>(RunStatus.class);
    private final Map<String, Counter> registryRequests = new ConcurrentHashMap<>();
    private final Map<String, Counter> signals = new ConcurrentHashMap<>();

    /**
     * @param runCounts current number of runs per status (read on scrape)
     * @param queues    current queue depth per {@code app/env} (read on scrape)
     */
    public ServerMetrics(NodeConfig config, Supplier<Map<RunStatus, Long>> runCounts, Supplier<Map<String, Long>> queues) {
        for (RunStatus s : RunStatus.values()) {
            Gauge.builder("pier.runs", () -> runCounts.get().getOrDefault(s, 0L))
                    .description("Runs in each status").tag("status", s.wireName()).register(registry);
            if (s.isTerminal()) {
                durations.put(s, Timer.builder("pier.run.duration").description("Run duration, signal to end")
                        .tag("status", s.wireName()).publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofHours(2))
                        .register(registry));
            }
        }
        config.apps().forEach((app, spec) -> spec.environments().keySet().forEach(env ->
                Gauge.builder("pier.queue.depth", () -> queues.get().getOrDefault(app + "/" + env, 0L))
                        .description("Runs queued or awaiting approval").tag("app", app).tag("environment", env)
                        .register(registry)));
        for (String host : registryHosts(config)) {
            for (String outcome : OUTCOMES) {
                registryCounter(host, outcome);
            }
        }
        for (String outcome : new String[] {"accepted", "invalid", "unauthorized", "forbidden"}) {
            signals.put(outcome, Counter.builder("pier.signals").description("Signals received, by outcome")
                    .tag("outcome", outcome).register(registry));
        }
    }

    void signal(String outcome) {
        Counter c = signals.get(outcome);
        if (c != null) {
            c.increment();
        }
    }

    public void finished(Run run) {
        Timer t = durations.get(run.status());
        if (t != null) {
            t.record(Duration.between(run.createdAt(), run.updatedAt()));
        }
    }

    @Override
    public void exchanged(String host, String action, int status) {
        registryCounter(host, status == 0 ? "error" : (status / 100) + "xx").increment();
    }

    private Counter registryCounter(String host, String outcome) {
        return registryRequests.computeIfAbsent(host + "|" + outcome, k -> Counter.builder("pier.registry.requests")
                .description("HTTP exchanges with registries").tag("registry", host).tag("outcome", outcome)
                .register(registry));
    }

    String scrape() {
        return registry.scrape();
    }

    private static Set<String> registryHosts(NodeConfig config) {
        Set<String> hosts = new LinkedHashSet<>(config.registries().keySet());
        config.apps().values().forEach(a -> a.sources().forEach(s -> hosts.add(s.registry())));
        return hosts;
    }
}
