package dev.pier.auth.oidc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** A {@link JtiLedger} for one process: forgets everything on restart, prunes expired ids once a minute. */
public final class InMemoryJtiLedger implements JtiLedger {
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(1);

    private record Key(String issuer, String jti) {}

    private final ConcurrentHashMap<Key, Instant> spent = new ConcurrentHashMap<>();
    private final AtomicReference<Instant> nextPrune;
    private final Clock clock;

    public InMemoryJtiLedger(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.nextPrune = new AtomicReference<>(clock.instant().plus(PRUNE_EVERY));
    }

    @Override
    public boolean firstUse(String issuer, String jti, Instant expiresAt) {
        Objects.requireNonNull(expiresAt, "expiresAt");
        Instant now = clock.instant();
        prune(now);
        AtomicBoolean first = new AtomicBoolean();
        spent.compute(new Key(issuer, jti), (k, old) -> {
            // An expired entry not yet pruned counts as absent.
            if (old != null && old.isAfter(now)) {
                return old;
            }
            first.set(true);
            return expiresAt;
        });
        return first.get();
    }

    int size() {
        return spent.size();
    }

    private void prune(Instant now) {
        Instant due = nextPrune.get();
        if (now.isBefore(due) || !nextPrune.compareAndSet(due, now.plus(PRUNE_EVERY))) {
            return;
        }
        spent.values().removeIf(expiry -> !expiry.isAfter(now));
    }
}
