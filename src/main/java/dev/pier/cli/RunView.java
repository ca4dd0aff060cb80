package dev.pier.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.json.Json;
import dev.pier.pipeline.LogLine;
import dev.pier.pipeline.Release;
import dev.pier.pipeline.Run;
import dev.pier.pipeline.StatusChange;
import dev.pier.pipeline.Step;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** How runs look to people ({@code text}) and to programs ({@code json}, the same fields as the API). */
final class RunView {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private RunView() {}

    /** The API's run shape; {@code log}, when given, is the whole stored log (the API pages it instead). */
    static ObjectNode json(Run run, List<LogLine> log) {
        ObjectNode node = dev.pier.json.RunJson.of(run, null, null);
        if (log != null) {
            ArrayNode lines = node.putArray("log");
            log.forEach(l -> lines.add(dev.pier.json.RunJson.line(l)));
        }
        return node;
    }

    static void text(PrintWriter out, Run run, List<LogLine> log) {
        out.printf("run        %s%n", run.id());
        out.printf("status     %s (attempt %d)%n", run.statusLabel(), run.attempt());
        out.printf("target     %s/%s via %s%n", run.app(), run.environment(), run.deployer());
        out.printf("signal     from %s by %s%n", run.signal().origin(), run.signal().actor());
        Release r = run.release();
        if (r.chart() != null) {
            out.printf("chart      %s --version %s%s%n", r.chart().repository(), r.chart().version(),
                    r.chart().digest() == null ? "" : " (" + r.chart().digest() + ")");
        }
        if (r.bundle() != null) {
            out.printf("bundle     %s%n", r.bundle().deploy());
        }
        boolean first = true;
        for (var e : r.images().entrySet()) {
            Release.ArtifactRef ref = e.getValue();
            String note = ref.defaultedFrom() == null ? "" : "   (defaulted from " + ref.defaultedFrom() + ")";
            out.printf("%s %-7s %s%s%n", first ? "images    " : "          ", e.getKey(), ref.deploy(), note);
            first = false;
        }
        if (run.deployedUrl() != null) {
            out.printf("url        %s%n", run.deployedUrl());
        }
        for (Step s : run.steps()) {
            out.printf("step       %s [%s%s]%n           $ %s%n", s.name(), s.outcome(),
                    s.exitCode() == null ? "" : ", exit " + s.exitCode(), Shell.quote(s.argv()));
        }
        if (run.error() != null) {
            out.printf("error      %s: %s%n", run.error().kind(), run.error().summary());
            out.printf("           step %s%s%n", run.error().step(),
                    run.error().exitCode() == null ? "" : ", exit code " + run.error().exitCode());
        }
        if (run.supersededBy() != null) {
            out.printf("replaced   by run %s%n", run.supersededBy());
        }
        out.println("history");
        for (StatusChange c : run.history()) {
            out.printf("  %s  %-17s %s%n", TIME.format(c.at()), c.to().wireName(), c.note() == null ? "" : c.note());
        }
        if (log != null && !log.isEmpty()) {
            out.println("log");
            log.forEach(l -> out.printf("  %s%s%n", l.stream().equals("pier") ? "pier: " : "", l.text()));
        }
    }

    static void row(PrintWriter out, Run run) {
        out.printf("%-26s  %-24s  %-20s  %s%n", run.id(), run.app() + "/" + run.environment(), run.statusLabel(),
                TIME.format(run.createdAt()));
    }
}
