package dev.pier.deploy;

import dev.pier.pipeline.Release;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Fetches a digest-pinned chart to a local file, verified against its digest, so helm installs exactly that
 * chart, needs no registry credentials and works the same with any helm version.
 */
@FunctionalInterface
public interface ChartSource {

    /** Writes the chart's {@code .tgz} to {@code target}. */
    void fetch(Release.ChartRef chart, Path target) throws IOException;
}
