package dev.pier.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pier.pipeline.Owner;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes, started through setsid so each has its own group. */
class OsProcessControlTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private final OsProcessControl os = new OsProcessControl();

    @TempDir
    Path dir;

    private Process startGroup(String body) throws Exception {
        Path s = Os.script(dir, "g.sh", body);
        return new ProcessBuilder("setsid", s.toString()).directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
    }

    @Test
    void aStatLineCountsAsALiveMemberOnlyForItsOwnGroupAndNotAsAZombie() {
        assertThat(member("4242 (bash) S 1 4242 4242 0 -1 4194560 364 0 0 0", 4242)).isTrue();
        assertThat(member("4243 (sleep) S 4242 4242 4242 0 -1 4194560 364 0 0 0", 4242)).isTrue();
        assertThat(member("4243 (sleep) S 4242 4241 4242 0 -1 4194560 364 0 0 0", 4242)).isFalse();
        assertThat(member("4243 (sleep) Z 4242 4242 4242 0 -1 4194560 364 0 0 0", 4242)).as("zombie").isFalse();
        assertThat(member("77 (a) b) 4242 (c) R 1 4242 77 0 -1", 4242)).as("comm with ') 4242 ('").isTrue();
        assertThat(member("77 (evil 1 4242) S 1 9 77 0", 4242)).as("the group after the last ')'").isFalse();
        assertThat(member("77 (truncated", 4242)).isFalse();
    }

    private static boolean member(String stat, long pgid) {
        byte[] b = (stat + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return OsProcessControl.liveMemberOf(b, b.length, pgid);
    }

    @Test
    void selfIsThisJvmWithItsStartTime() {
        Owner me = os.self();

        assertThat(me.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(me.startedAt()).isEqualTo(ProcessHandle.current().info().startInstant().orElseThrow());
        assertThat(os.isAlive(me)).isTrue();
    }

    @Test
    void theSamePidWithAnotherStartTimeIsNotTheOwnerButClockRoundingIsTolerated() {
        Owner me = os.self();

        assertThat(os.isAlive(new Owner(me.pid(), me.startedAt().plusMillis(900)))).isTrue();
        assertThat(os.isAlive(new Owner(me.pid(), me.startedAt().minusMillis(900)))).isTrue();
        assertThat(os.isAlive(new Owner(me.pid(), me.startedAt().minusSeconds(2)))).isFalse();
        assertThat(os.isAlive(new Owner(me.pid(), me.startedAt().plus(Duration.ofHours(1))))).isFalse();
    }

    @Test
    void anOwnerWhoseProcessEndedIsNotAlive() throws Exception {
        Process p = new ProcessBuilder("true").start();
        Instant started = p.toHandle().info().startInstant().orElse(Instant.now());
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();

        assertThat(os.isAlive(new Owner(p.pid(), started))).isFalse();
    }

    @Test
    void aRunningGroupIsAliveUntilStoppedAndThenGone() throws Exception {
        Process p = startGroup("sleep 300 &\nwait");
        long pgid = p.pid();
        await().atMost(DEADLINE).until(() -> os.isGroupAlive(pgid) && Os.groupExists(pgid));

        assertThat(os.stop(pgid, Duration.ofSeconds(5))).isEqualTo(OsProcessControl.Stop.TERMINATED);

        assertThat(os.isGroupAlive(pgid)).isFalse();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        await().atMost(DEADLINE).until(() -> !Os.groupExists(pgid));
    }

    @Test
    void stopGroupEscalatesToSigkillWhenTheGroupIgnoresSigterm() throws Exception {
        Process p = startGroup("trap '' TERM\necho > ready\nsleep 300 &\nwait\nwait");
        long pgid = p.pid();
        await().atMost(DEADLINE).until(() -> dir.resolve("ready").toFile().exists() && os.isGroupAlive(pgid));

        assertThat(os.stop(pgid, Duration.ofMillis(300))).isEqualTo(OsProcessControl.Stop.KILLED);

        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(128 + 9);
        await().atMost(DEADLINE).until(() -> !Os.groupExists(pgid));
    }

    @Test
    void stoppingAGroupThatDoesNotExistDoesNothing() throws Exception {
        Process p = new ProcessBuilder("setsid", "true").start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();

        assertThat(os.isGroupAlive(p.pid())).isFalse();
        assertThat(os.stop(p.pid(), Duration.ofSeconds(1))).isEqualTo(OsProcessControl.Stop.NOT_RUNNING);
    }

    @Test
    void groupsZeroAndOneAreNeverSignalled() {
        assertThatThrownBy(() -> os.signal(1, "TERM")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> os.signal(0, "TERM")).isInstanceOf(IllegalArgumentException.class);
    }
}
