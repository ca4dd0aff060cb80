package dev.pier.deploy;

import dev.pier.pipeline.Owner;
import dev.pier.pipeline.ProcessControl;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@link ProcessControl} for Linux: groups are signalled with the {@code kill} binary (Java cannot
 * signal a process group) and observed through {@code /proc}.
 */
public final class OsProcessControl implements ProcessControl {

    /** Start times read from /proc and from a stored record may differ by clock-tick rounding. */
    static final Duration START_TOLERANCE = Duration.ofSeconds(1);
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(25);
    private static final String KILL = Executables.system("kill", List.of("/usr/bin/kill", "/bin/kill"));
    private static final Path PROC = Path.of("/proc");

    /** How {@link #stop} ended. */
    public enum Stop { NOT_RUNNING, TERMINATED, KILLED }

    @Override
    public Owner self() {
        ProcessHandle me = ProcessHandle.current();
        Instant started = me.info().startInstant()
                .orElseThrow(() -> new IllegalStateException("the OS does not report this process's start time"));
        return new Owner(me.pid(), started);
    }

    @Override
    public boolean isAlive(Owner owner) {
        Optional<ProcessHandle> handle = ProcessHandle.of(owner.pid());
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        // Unknown start time: assume alive rather than steal a run from a live owner.
        return handle.get().info().startInstant()
                .map(s -> Duration.between(s, owner.startedAt()).abs().compareTo(START_TOLERANCE) <= 0)
                .orElse(true);
    }

    @Override
    public boolean isGroupAlive(long processGroupId) {
        if (Files.isDirectory(PROC)) {
            return groupHasLiveMember(processGroupId);
        }
        return signal(processGroupId, "0");
    }

    @Override
    public void stopGroup(long processGroupId, Duration grace) {
        stop(processGroupId, grace);
    }

    /** SIGTERM to the group; SIGKILL once {@code grace} has passed with any member left. */
    public Stop stop(long processGroupId, Duration grace) {
        if (!isGroupAlive(processGroupId) || !signal(processGroupId, "TERM")) {
            return Stop.NOT_RUNNING;
        }
        if (awaitGone(processGroupId, grace)) {
            return Stop.TERMINATED;
        }
        signal(processGroupId, "KILL");
        awaitGone(processGroupId, KILL_WAIT);
        return Stop.KILLED;
    }

    /** Polls until the group has no live member; false when {@code limit} passed first. */
    public boolean awaitGone(long processGroupId, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (isGroupAlive(processGroupId)) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                // Stopping must finish: report "not gone" so the caller escalates, keep the flag.
                Thread.currentThread().interrupt();
                return !isGroupAlive(processGroupId);
            }
        }
        return true;
    }

    /** {@code kill -s SIG -- -pgid}; true when the group existed. */
    boolean signal(long processGroupId, String signal) {
        if (processGroupId <= 1) {
            throw new IllegalArgumentException("refusing to signal process group " + processGroupId);
        }
        try {
            Process p = new ProcessBuilder(KILL, "-s", signal, "--", "-" + processGroupId)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run '" + KILL + "' to signal process group " + processGroupId, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Zombies do not count: they run nothing and vanish once reaped. Called after every deployer process ends,
     * so each {@code /proc/PID/stat} is read into one small buffer and parsed in place (bench/server-signals:
     * reading them as strings and splitting was a tenth of the server's CPU under load).
     */
    private static boolean groupHasLiveMember(long pgid) {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1024);
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> isNumeric(p.getFileName().toString()))) {
            for (Path dir : dirs) {
                buf.clear();
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dir.resolve("stat"))) {
                    while (buf.hasRemaining() && ch.read(buf) > 0) {
                        // /proc files hand out their text in one read; loop in case one does not
                    }
                } catch (IOException gone) {
                    continue;
                }
                if (liveMemberOf(buf.array(), buf.position(), pgid)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + PROC, e);
        }
    }

    /** {@code pid (comm) state ppid pgrp ...}: comm may hold spaces and parentheses, so parse after the last ')'. */
    static boolean liveMemberOf(byte[] stat, int length, long pgid) {
        int i = length - 1;
        while (i >= 0 && stat[i] != ')') {
            i--;
        }
        if (i < 0 || i + 2 >= length) {
            return false;
        }
        byte state = stat[i + 2];
        int field = 0; // 0 state, 1 ppid, 2 pgrp
        long value = 0;
        boolean negative = false;
        for (int j = i + 2; j < length; j++) {
            byte b = stat[j];
            if (b == ' ') {
                if (field == 2) {
                    break;
                }
                field++;
                value = 0;
                negative = false;
            } else if (field == 2) {
                if (b == '-') {
                    negative = true;
                } else {
                    value = value * 10 + (b - '0');
                }
            }
        }
        return field == 2 && (negative ? -value : value) == pgid && state != 'Z';
    }

    private static boolean isNumeric(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }
}
