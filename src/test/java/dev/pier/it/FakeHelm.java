package dev.pier.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * A stand-in for the node's {@code helm}: there is no helm binary on this machine (and no Kubernetes API
 * server to point one at), so tests put this first on PATH. It records every argv exactly (NUL-separated),
 * answers {@code helm version} like Helm 3, and runs {@code $dir/helm-behaviour} when present so a test can
 * make an upgrade fail, hang or wait.
 */
final class FakeHelm {

    final Path calls;
    final Path behaviour;

    FakeHelm(Node node, String version) {
        this.calls = node.dir.resolve("helm-calls");
        this.behaviour = node.dir.resolve("helm-behaviour");
        node.script("helm", """
                #!/bin/bash
                mkdir -p '%1$s'
                n=$(ls '%1$s' | wc -l)
                printf '%%s\\0' "$@" > '%1$s'/$(printf '%%03d' "$n").args
                if [ "$1" = version ]; then echo '%2$s'; exit 0; fi
                echo "Release \\"$3\\" has been upgraded. Happy Helming!"
                if [ -f '%3$s' ]; then . '%3$s'; fi
                exit 0
                """.formatted(calls, version, behaviour));
    }

    /** Every recorded call, oldest first. */
    List<List<String>> calls() {
        if (!Files.isDirectory(calls)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(calls)) {
            return files.sorted().map(FakeHelm::argv).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<List<String>> upgrades() {
        return calls().stream().filter(c -> !c.isEmpty() && c.get(0).equals("upgrade")).toList();
    }

    void behave(String bash) {
        try {
            Files.writeString(behaviour, bash);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> argv(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8);
            return s.isEmpty() ? List.of() : Arrays.asList(s.substring(0, s.length() - 1).split("\0", -1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
