package dev.pier.controller;

import dev.pier.pipeline.RunCallbacks;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The runs of this server whose webhook deployer waits for a callback. In memory on purpose: a wait lives only as
 * long as the deployer thread that opened it, and a restart fails or re-queues the run anyway.
 */
public final class CallbackRegistry implements RunCallbacks {

    private final Map<String, Inbox> waiting = new ConcurrentHashMap<>();
    private volatile Function<String, String> urls;

    /** Run id → the callback URL a deploy target can reach; set once the server knows its own URL. */
    public void urls(Function<String, String> runIdToUrl) {
        this.urls = runIdToUrl;
    }

    @Override
    public Optional<Waiting> open(String runId, String delivery) {
        Function<String, String> u = urls;
        if (u == null) {
            return Optional.empty();
        }
        Inbox inbox = new Inbox(runId, delivery, u.apply(runId));
        if (waiting.putIfAbsent(runId, inbox) != null) {
            throw new IllegalStateException("run " + runId + " already waits for a callback");
        }
        return Optional.of(inbox);
    }

    public enum Delivery { DELIVERED, NOT_WAITING, OTHER_DELIVERY }

    /** Hands a verified callback that answers {@code delivery} to the run's deployer. */
    public Delivery deliver(String runId, String delivery, Callback callback) {
        Inbox inbox = waiting.get(runId);
        if (inbox == null) {
            return Delivery.NOT_WAITING;
        }
        if (!inbox.delivery.equals(delivery)) {
            return Delivery.OTHER_DELIVERY;
        }
        inbox.queue.offer(Optional.of(callback));
        return Delivery.DELIVERED;
    }

    private final class Inbox implements Waiting {
        private final String runId;
        private final String delivery;
        private final String url;
        // empty = woken
        private final BlockingQueue<Optional<Callback>> queue = new LinkedBlockingQueue<>();

        Inbox(String runId, String delivery, String url) {
            this.runId = runId;
            this.delivery = delivery;
            this.url = url;
        }

        @Override
        public String url() {
            return url;
        }

        @Override
        public Callback next(Duration max) throws InterruptedException {
            Optional<Callback> c = queue.poll(Math.max(0, max.toMillis()), TimeUnit.MILLISECONDS);
            return c == null ? null : c.orElse(null);
        }

        @Override
        public void wake() {
            queue.offer(Optional.empty());
        }

        @Override
        public void close() {
            waiting.remove(runId, this);
        }
    }
}
