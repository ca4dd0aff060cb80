package dev.pier.pipeline;

import java.time.Instant;
import java.util.List;

/** What was refused or decided, and why. A refused signal leaves only an audit entry, never a run. */
public interface AuditLog {

    void record(Entry entry);

    List<Entry> recent(int limit);

    /**
     * @param action  e.g. {@code signal}
     * @param outcome e.g. {@code refused}, {@code accepted}
     * @param reason  the message the caller was given (already free of secrets)
     */
    record Entry(Instant at, String actor, String action, String app, String environment, String outcome,
                 String reason) {}
}
