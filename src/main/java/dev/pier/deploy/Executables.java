package dev.pier.deploy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Finds programs the way {@code execvp} would, so a missing one is reported before anything starts. */
final class Executables {

    private Executables() {}

    /**
     * @param name a bare name (looked up on {@code path}) or a path containing {@code /}
     * @param path the PATH the child will see; null or empty means none
     * @param cwd  the child's working directory, against which relative names and PATH entries resolve
     */
    static Optional<Path> find(String name, String path, Path cwd) {
        if (name == null || name.isEmpty()) {
            return Optional.empty();
        }
        if (name.contains("/")) {
            Path p = cwd.resolve(name);
            return isRunnable(p) ? Optional.of(p) : Optional.empty();
        }
        if (path == null || path.isEmpty()) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = cwd.resolve(dir.isEmpty() ? "." : dir).resolve(name);
            if (isRunnable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The first of {@code candidates} that exists, else the bare name for a PATH lookup. */
    static String system(String name, List<String> candidates) {
        return candidates.stream().filter(c -> isRunnable(Path.of(c))).findFirst().orElse(name);
    }

    private static boolean isRunnable(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }
}
