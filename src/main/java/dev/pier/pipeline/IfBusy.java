package dev.pier.pipeline;

/** What a deploy does when another run holds its environment. */
public enum IfBusy {
    /** Queue and wait for the environment. */
    WAIT,
    /** Refuse at once (exit 4); no run is recorded, only an audit entry. */
    FAIL
}
