package dev.pier.deploy.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.pipeline.Release;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which releases became current on the server ({@code history}, oldest first) and the {@code current} link. A
 * deploy pushes its run id, a rollback pops the last one, so repeated rollbacks walk further back. Releases beyond
 * {@code keep_releases}, and those no longer in the history, are removed.
 */
final class RemoteHistory {

    private static final Pattern RUN_ID = Pattern.compile("^[A-Za-z0-9._-]{1,128}$");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RemoteFiles files;
    private final RemoteLayout layout;

    RemoteHistory(RemoteFiles files, RemoteLayout layout) {
        this.files = files;
        this.layout = layout;
    }

    /** A kept release: its run id, the release, and its compose files in {@code -f} order. */
    record Kept(String runId, Release release, List<String> composeFiles) {}

    List<String> read() throws IOException {
        String text = files.readText(layout.history());
        List<String> out = new ArrayList<>();
        if (text != null) {
            text.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(l -> {
                if (!RUN_ID.matcher(l).matches()) {
                    throw new IllegalStateException(layout.history() + " holds a line that is not a run id");
                }
                out.add(l);
            });
        }
        return out;
    }

    /** Makes {@code runId} current: written to the history, {@code current} pointed at it. */
    void write(List<String> history) throws IOException {
        files.replace(layout.history(), (String.join("\n", history) + "\n").getBytes(StandardCharsets.UTF_8));
        if (!history.isEmpty()) {
            files.link(layout.current(), "releases/" + history.get(history.size() - 1));
        }
    }

    /**
     * Removes releases beyond the newest {@code keep} of the history, and any release directory not in it except
     * {@code keepAlso} (the release being deployed). Returns the history that remains.
     */
    List<String> prune(List<String> history, int keep, String keepAlso) throws IOException {
        List<String> kept = new ArrayList<>(history.subList(Math.max(0, history.size() - keep), history.size()));
        for (String dir : files.list(layout.releases())) {
            if (!kept.contains(dir) && !dir.equals(keepAlso) && RUN_ID.matcher(dir).matches()) {
                files.removeRelease(layout.release(dir));
            }
        }
        return kept;
    }

    /** Removes env files a run that died (a Pier crash) left; the environment's lock says none is in use. */
    List<String> sweepEnvFiles() throws IOException {
        List<String> removed = new ArrayList<>();
        for (String dir : files.list(layout.releases())) {
            if (RUN_ID.matcher(dir).matches() && files.removeIfExists(layout.envFile(dir))) {
                removed.add(layout.envFile(dir));
            }
        }
        return removed;
    }

    Kept kept(String runId) throws IOException {
        String text = files.readText(layout.releaseJson(runId));
        if (text == null) {
            throw new IOException(layout.releaseJson(runId) + " does not exist (was the release removed by hand?)");
        }
        return parse(runId, text);
    }

    static Kept parse(String runId, String text) throws IOException {
        JsonNode n = JSON.readTree(text);
        Map<String, Release.ArtifactRef> images = new LinkedHashMap<>();
        n.path("images").properties().forEach(e -> images.put(e.getKey(), artifact(e.getValue())));
        Release.ChartRef chart = n.has("chart") ? new Release.ChartRef(text(n.get("chart"), "repository"),
                text(n.get("chart"), "version"), text(n.get("chart"), "digest")) : null;
        Release.ArtifactRef bundle = n.has("bundle") ? artifact(n.get("bundle")) : null;
        List<String> compose = new ArrayList<>();
        n.path("compose_files").forEach(f -> compose.add(f.asText()));
        if (compose.isEmpty() || compose.stream().anyMatch(f -> f.contains("/") || f.startsWith("."))) {
            throw new IOException("release.json of " + runId + " names no usable compose_files");
        }
        return new Kept(runId, new Release(n.path("app").asText(), chart, bundle, images), compose);
    }

    private static Release.ArtifactRef artifact(JsonNode n) {
        return new Release.ArtifactRef(text(n, "given"), text(n, "deploy"), text(n, "digest"),
                text(n, "defaulted_from"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
