package dev.pier.pipeline;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Every state a run can be in, defined once so later features need no migration.
 * {@code queued → awaiting_approval → deploying → verifying → succeeded | failed | rejected | superseded | cancelled}.
 */
public enum RunStatus {
    QUEUED,
    AWAITING_APPROVAL,
    DEPLOYING,
    VERIFYING,
    SUCCEEDED,
    FAILED,
    REJECTED,
    SUPERSEDED,
    CANCELLED;

    private static final Set<RunStatus> TERMINAL = EnumSet.of(SUCCEEDED, FAILED, REJECTED, SUPERSEDED, CANCELLED);

    public boolean isTerminal() {
        return TERMINAL.contains(this);
    }

    /** The run has started work that a process owns (a deployer or a gate may be running). */
    public boolean isExecuting() {
        return this == DEPLOYING || this == VERIFYING;
    }

    public boolean canMoveTo(RunStatus next) {
        return switch (this) {
            case QUEUED -> next == AWAITING_APPROVAL || next == DEPLOYING || next == SUPERSEDED
                    || next == CANCELLED || next == FAILED;
            case AWAITING_APPROVAL -> next == QUEUED || next == DEPLOYING || next == REJECTED
                    || next == SUPERSEDED || next == CANCELLED || next == FAILED;
            case DEPLOYING -> next == VERIFYING || next == SUCCEEDED || next == FAILED || next == CANCELLED
                    || next == QUEUED; // QUEUED: a new attempt of an idempotent deploy after a crash
            case VERIFYING -> next == SUCCEEDED || next == FAILED || next == CANCELLED || next == QUEUED;
            case SUCCEEDED, FAILED, REJECTED, SUPERSEDED, CANCELLED -> false;
        };
    }

    /** The wire name: lower snake case, as in the API and {@code -o json}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RunStatus fromWire(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown run status '" + s + "' (known: queued, awaiting_approval, "
                    + "deploying, verifying, succeeded, failed, rejected, superseded, cancelled)");
        }
    }
}
