package dev.pier.deploy;

import dev.pier.pipeline.LogSink;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Copies a child's stdout and stderr, line by line as they arrive, to the run log and keeps the
 * last lines of both in memory (fallback patterns are matched against them).
 */
final class OutputPump {

    /** A line longer than this is cut: one runaway line must not exhaust memory. */
    static final int MAX_LINE_CHARS = 16 * 1024;

    private final LogSink sink;
    private final int tailLines;
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private final Thread out;
    private final Thread err;

    OutputPump(Process process, LogSink sink, int tailLines, String name) {
        this.sink = sink;
        this.tailLines = tailLines;
        this.out = reader(process.getInputStream(), "stdout", name);
        this.err = reader(process.getErrorStream(), "stderr", name);
    }

    /** Waits until both streams reached end of file; false when {@code limit} passed first. */
    boolean awaitDrained(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        out.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        err.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        return !out.isAlive() && !err.isAlive();
    }

    synchronized List<String> tail() {
        return List.copyOf(tail);
    }

    private Thread reader(InputStream in, String stream, String name) {
        return Thread.ofPlatform().daemon().name(name + "-" + stream).start(() -> pump(in, stream));
    }

    private void pump(InputStream in, String stream) {
        try (Reader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            StringBuilder line = new StringBuilder();
            boolean cut = false;
            int c;
            while ((c = r.read()) != -1) {
                if (c == '\n') {
                    emit(stream, line, cut);
                    line.setLength(0);
                    cut = false;
                } else if (line.length() < MAX_LINE_CHARS) {
                    line.append((char) c);
                } else {
                    cut = true;
                }
            }
            if (!line.isEmpty() || cut) {
                emit(stream, line, cut);
            }
        } catch (IOException closed) {
            // The pipe closed under us: the process is gone, nothing more to read.
        }
    }

    private void emit(String stream, StringBuilder raw, boolean cut) {
        int end = raw.length();
        if (end > 0 && raw.charAt(end - 1) == '\r') {
            end--;
        }
        String text = raw.substring(0, end) + (cut ? " …[line cut at " + MAX_LINE_CHARS + " chars]" : "");
        synchronized (this) {
            if (tail.size() == tailLines) {
                tail.removeFirst();
            }
            tail.addLast(text);
        }
        try {
            sink.line(stream, text);
        } catch (RuntimeException e) {
            // Keep draining: a child blocked on a full pipe would hang the deploy.
        }
    }
}
