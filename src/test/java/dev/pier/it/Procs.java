package dev.pier.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The OS's view of processes, read from {@code /proc} and signalled with the {@code kill} binary,
 * independently of Pier's own process control. A zombie counts as gone: it runs nothing.
 */
final class Procs {

    private static final Path PROC = Path.of("/proc");

    private Procs() {}

    /** The process exists and is not a zombie. */
    static boolean alive(long pid) {
        String[] f = stat(pid);
        return f != null && !f[0].equals("Z");
    }

    /** Some live process has this process group id. */
    static boolean groupAlive(long pgid) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC,
                p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path dir : dirs) {
                String[] f = stat(Long.parseLong(dir.getFileName().toString()));
                if (f != null && !f[0].equals("Z") && Long.parseLong(f[2]) == pgid) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The process group of a live process, or -1. */
    static long groupOf(long pid) {
        String[] f = stat(pid);
        return f == null ? -1 : Long.parseLong(f[2]);
    }

    /** Whether the process has {@code signal} (a number) set to SIG_IGN. */
    static boolean ignores(long pid, int signal) {
        try {
            for (String line : Files.readAllLines(PROC.resolve(Long.toString(pid)).resolve("status"))) {
                if (line.startsWith("SigIgn:")) {
                    long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16);
                    return (mask & (1L << (signal - 1))) != 0;
                }
            }
            return false;
        } catch (IOException gone) {
            return false;
        }
    }

    /** {@code kill -s SIG pid}; true when it was delivered. */
    static boolean signal(long pid, String signal) {
        return kill(signal, Long.toString(pid));
    }

    /** SIGKILL to a whole group, for cleaning up after a test; never the test's own group. */
    static void killGroup(long pgid) {
        if (pgid > 1 && pgid != groupOf(ProcessHandle.current().pid())) {
            kill("KILL", "-" + pgid);
        }
    }

    private static boolean kill(String signal, String target) {
        try {
            Process p = new ProcessBuilder("kill", "-s", signal, "--", target)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("kill did not return");
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Fields of /proc/pid/stat after "(comm) ": state, ppid, pgrp, …; null when there is no such process. */
    private static String[] stat(long pid) {
        String s;
        try {
            s = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
        } catch (IOException gone) {
            return null;
        }
        return s.substring(s.lastIndexOf(')') + 2).split(" ");
    }
}
