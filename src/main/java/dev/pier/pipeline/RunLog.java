package dev.pier.pipeline;

import dev.pier.secret.Redactor;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * A run's log: redacts every line, stores it up to a size cap, streams it to a live follower, and keeps
 * the last lines in memory for the error report even after the cap is reached.
 */
public final class RunLog implements LogSink {

    public static final long DEFAULT_CAP_BYTES = 1 << 20;

    private final String runId;
    private final RunStore store;
    private final Redactor redactor;
    private final LogSink live;
    private final Clock clock;
    private final long capBytes;
    private final Deque<String> tail = new ArrayDeque<>();
    private long storedBytes;
    private boolean capped;

    public RunLog(String runId, RunStore store, Redactor redactor, LogSink live, Clock clock, long capBytes) {
        this.runId = runId;
        this.store = store;
        this.redactor = redactor;
        this.live = live;
        this.clock = clock;
        this.capBytes = capBytes;
    }

    @Override
    public synchronized void line(String stream, String text) {
        String safe = redactor.redact(text == null ? "" : text);
        tail.addLast(safe);
        if (tail.size() > ErrorReport.TAIL_LINES) {
            tail.removeFirst();
        }
        live.line(stream, safe);
        if (capped) {
            return;
        }
        long size = safe.getBytes(StandardCharsets.UTF_8).length + 1L;
        if (storedBytes + size > capBytes) {
            capped = true;
            store.appendLog(runId, List.of(new LogLine(0, clock.instant(), "pier",
                    "[log truncated: the stored log is capped at " + capBytes + " bytes; the error report keeps the"
                            + " last " + ErrorReport.TAIL_LINES + " lines]")));
            return;
        }
        storedBytes += size;
        store.appendLog(runId, List.of(new LogLine(0, clock.instant(), stream, safe)));
    }

    public synchronized List<String> tail() {
        return List.copyOf(tail);
    }

    public Redactor redactor() {
        return redactor;
    }
}
