package dev.pier.ssh;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Bytes from a remote stream, cut into lines for a sink. Lines longer than 8 KiB are cut, so memory stays bounded. */
final class LineOutput extends OutputStream {

    static final int MAX_LINE = 8192;

    private final SshConnection.Output sink;
    private final String stream;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineOutput(SshConnection.Output sink, String stream) {
        this.sink = sink;
        this.stream = stream;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            emit();
            return;
        }
        line.write(b);
        if (line.size() >= MAX_LINE) {
            emit();
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    /** Emits what is left of an unterminated last line. */
    @Override
    public synchronized void flush() {
        if (line.size() > 0) {
            emit();
        }
    }

    @Override
    public void close() {
        flush();
    }

    private void emit() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        sink.line(stream, text);
    }
}
