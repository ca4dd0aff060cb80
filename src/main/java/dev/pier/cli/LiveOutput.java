package dev.pier.cli;

import dev.pier.pipeline.Run;
import dev.pier.pipeline.RunObserver;

/** Streams a run to stderr as it happens. Lines arrive already redacted. */
final class LiveOutput implements RunObserver {

    private final CliContext ctx;

    LiveOutput(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void created(Run run) {
        ctx.err().printf("pier: run %s queued for %s/%s (follow: pier run %s --follow)%n", run.id(), run.app(),
                run.environment(), run.id());
        ctx.err().flush();
    }

    @Override
    public void changed(Run run) {
        ctx.err().printf("pier: run %s: %s%n", run.id(), run.statusLabel());
        ctx.err().flush();
    }

    @Override
    public synchronized void line(String stream, String text) {
        ctx.err().println(stream.equals("pier") ? "pier: " + text : "  | " + text);
        ctx.err().flush();
    }
}
