package dev.pier.cli;

import dev.pier.auth.Tokens;
import dev.pier.auth.oidc.GithubOidcVerifier;
import dev.pier.auth.oidc.OidcSettings;
import dev.pier.config.NodeConfig;
import dev.pier.config.ServerSpec;
import dev.pier.controller.Approvals;
import dev.pier.controller.CallbackRegistry;
import dev.pier.controller.RunController;
import dev.pier.controller.RunEvents;
import dev.pier.controller.RunWorker;
import dev.pier.notify.WebhookNotifier;
import dev.pier.pipeline.Cancellation;
import dev.pier.pipeline.Run;
import dev.pier.pipeline.RunStatus;
import dev.pier.pipeline.RunStore;
import dev.pier.secret.SecretResolver;
import dev.pier.server.ApiAuth;
import dev.pier.server.CallbacksApi;
import dev.pier.server.PierServer;
import dev.pier.server.ServerLog;
import dev.pier.server.ServerMetrics;
import dev.pier.server.TokensApi;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pier server}: the long-lived controller. */
@Command(name = "server", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Run the controller: the HTTP API (/api/v1), a run worker, and the store under $PIER_HOME.",
                "Stops gracefully on SIGTERM: no new signals, in-flight runs get server.shutdown_grace to finish,",
                "then their deployers are stopped and the runs recorded as interrupted."})
final class ServerCommand implements Callable<Integer> {

    private final CliContext ctx;

    @Option(names = "--config", paramLabel = "FILE", description = "Node config (default: $PIER_CONFIG, then ./pier.yaml).")
    Path config;

    @Option(names = "--port", paramLabel = "N", description = "TCP port (default: server.port, 8080; 0 picks one).")
    Integer port;

    @Option(names = "--bind", paramLabel = "ADDR", description = "Address to listen on (default: server.bind, 127.0.0.1).")
    String bind;

    ServerCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws InterruptedException {
        NodeConfig cfg = ConfigCommand.load(ctx, config);
        ServerSpec spec = cfg.server();
        ServerLog log = new ServerLog(ctx.err(), !ctx.interactive(), ctx.clock());
        AtomicReference<RunStore> store = new AtomicReference<>();
        ServerMetrics metrics = new ServerMetrics(cfg, () -> store.get().countByStatus(),
                () -> queueDepths(store.get()));
        CallbackRegistry callbacks = new CallbackRegistry();
        try (Node node = Node.openServer(ctx, cfg, metrics, callbacks)) {
            RunStore runs = node.runs();
            store.set(runs);
            RunEvents events = new RunEvents();
            RunWorker worker = new RunWorker(runs, node.locks(), node.deployService(), node.recovery(),
                    node.preparation(), events, ctx.clock(), cfg.server().maxParallelRuns());
            RunController controller = new RunController(runs, worker, events, ctx.clock());
            Tokens tokens = node.tokens();
            ApiAuth auth = auth(cfg, tokens, node);
            AtomicReference<PierServer> self = new AtomicReference<>();
            SecretResolver secrets = new SecretResolver(cfg.secrets(), ctx.env());
            WebhookNotifier notifier = new WebhookNotifier(spec.notifications(), name -> resolve(secrets, name),
                    id -> self.get() == null ? id : self.get().baseUrl() + "/api/v1/runs/" + id,
                    (msg, detail) -> log.warn(msg, "detail", detail), ctx.clock());
            events.listen(run -> onChange(run, metrics, notifier, log));
            PierServer server = new PierServer(new PierServer.Parts(cfg, runs, controller,
                    new Approvals(runs, events, ctx.clock()), worker, node.intake(), auth, metrics,
                    new TokensApi(tokens, auth, ctx.clock()),
                    new CallbacksApi(cfg, runs, callbacks, name -> resolve(secrets, name), ctx.clock()), log),
                    bind == null ? spec.bind() : bind, port == null ? spec.port() : port);
            self.set(server);
            callbacks.urls(id -> server.baseUrl().toString().replaceAll("/+$", "") + "/api/v1/runs/" + id + "/callback");
            CountDownLatch stop = new CountDownLatch(1);
            Cancellation signal = new Cancellation();
            signal.onCancel(stop::countDown);
            try (TerminationSignals ignored = TerminationSignals.cancelOn(signal)) {
                server.start();
                ctx.out().println("pier server listening on " + server.baseUrl());
                ctx.out().flush();
                stop.await();
                log.info("stop requested", "reason", signal.reason());
                server.shutdown(spec.shutdownGrace());
            } finally {
                notifier.close();
            }
        }
        return ExitCodes.SUCCEEDED;
    }

    private static void onChange(Run run, ServerMetrics metrics, WebhookNotifier notifier, ServerLog log) {
        log.info("run " + run.statusLabel(), "run_id", run.id(), "app", run.app(), "environment",
                run.environment(), "status", run.status().wireName(), "attempt", run.attempt());
        if (run.status().isTerminal()) {
            metrics.finished(run);
        }
        notifier.changed(run);
    }

    private ApiAuth auth(NodeConfig cfg, Tokens tokens, Node node) {
        ServerSpec.Oidc oidc = cfg.server().oidc();
        if (oidc == null) {
            return new ApiAuth(tokens, cfg, null, null);
        }
        OidcSettings settings = new OidcSettings(oidc.issuer(), oidc.audience(), oidc.maxSkew(), Duration.ofMinutes(10));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        return new ApiAuth(tokens, cfg, new GithubOidcVerifier(settings, http, node.jtiLedger(), ctx.clock()),
                // Reading a run does not spend the token: a workflow polls with the token it signalled with.
                new GithubOidcVerifier(settings, http, (issuer, jti, expires) -> true, ctx.clock()));
    }

    private static String resolve(SecretResolver secrets, String name) {
        try {
            return secrets.resolve(name);
        } catch (SecretResolver.SecretException e) {
            throw new IllegalStateException("notification secret " + name + ": " + e.getMessage());
        }
    }

    private static Map<String, Long> queueDepths(RunStore runs) {
        Map<String, Long> depth = new HashMap<>();
        for (RunStore.QueueEntry r : runs.queue()) {
            if (r.status() == RunStatus.QUEUED || r.status() == RunStatus.AWAITING_APPROVAL) {
                depth.merge(r.app() + "/" + r.environment(), 1L, Long::sum);
            }
        }
        return depth;
    }
}
