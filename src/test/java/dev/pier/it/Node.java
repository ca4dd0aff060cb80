package dev.pier.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * A throwaway Pier node for one test: its own PIER_HOME, and a {@code bin/} directory first on PATH for
 * the stand-in executables a test writes (there is no helm binary or Quantum CLI on this machine).
 */
final class Node {

    final Path dir;
    final Path home;
    final Path bin;

    Node(Path dir) {
        this.dir = dir;
        this.home = dir.resolve("pier-home");
        this.bin = dir.resolve("bin");
        try {
            Files.createDirectories(bin);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("PIER_HOME", home.toString());
        env.put("PATH", bin + ":" + System.getenv("PATH"));
        env.put("HOME", dir.toString());
        return env;
    }

    /** Writes an executable script into {@code bin/}. */
    Path script(String name, String body) {
        Path p = bin.resolve(name);
        try {
            Files.writeString(p, body);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    Path file(String name, String content) {
        try {
            Path p = dir.resolve(name);
            Files.createDirectories(p.getParent());
            return Files.writeString(p, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One number from the node's store, read directly rather than through pier: for what the CLI does
     * not show (audit entries), and for checks after each of many cases where a pier process each would
     * cost too much. 0 when pier never created the store.
     */
    long count(String sql) {
        Path db = home.resolve("pier.db");
        if (!Files.exists(db)) {
            return 0;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError(sql, e);
        }
    }

    PierProcess.Result pier(String... args) {
        return PierProcess.run(env(), dir, args);
    }

    PierProcess start(String... args) {
        return PierProcess.start(env(), dir, args);
    }
}
