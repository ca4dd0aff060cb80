package dev.pier.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The remote command string survives a real POSIX shell unchanged, argument by argument. */
class RemoteCommandTest {

    @Test
    void every_argument_reaches_the_command_exactly() throws Exception {
        List<String> argv = List.of("printf", "%s|", "plain", "with space", "it's", "$HOME", "`id`", "a\nb", "", "*",
                "--env-file=/srv/x y");
        // stdin stays open, as an SSH channel's does until it closes: end-of-file on it would stop the command.
        Process p = new ProcessBuilder("sh", "-c", RemoteCommand.guarded(argv)).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        p.getOutputStream().close();
        assertThat(out).isEqualTo("plain|with space|it's|$HOME|`id`|a\nb||*|--env-file=/srv/x y|");
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void the_guard_passes_the_exit_status_through_and_display_quotes_only_what_needs_it() throws Exception {
        Process p = new ProcessBuilder("sh", "-c", RemoteCommand.guarded(List.of("sh", "-c", "exit 7"))).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        p.getOutputStream().close();
        assertThat(p.exitValue()).isEqualTo(7);
        assertThat(RemoteCommand.display(List.of("docker", "compose", "-f", "/srv/a b.yaml")))
                .isEqualTo("docker compose -f '/srv/a b.yaml'");
    }
}
