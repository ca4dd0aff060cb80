package dev.pier.pipeline;

import java.time.Duration;

/** What crash recovery needs to know about processes on the node. Implemented with the OS. */
public interface ProcessControl {

    /** This Pier process. */
    Owner self();

    /** Whether the owning Pier process still runs (same PID and same start time). */
    boolean isAlive(Owner owner);

    /** Whether any process of the group still runs. */
    boolean isGroupAlive(long processGroupId);

    /** SIGTERM to the group, then SIGKILL after {@code grace} if any member remains. */
    void stopGroup(long processGroupId, Duration grace);
}
