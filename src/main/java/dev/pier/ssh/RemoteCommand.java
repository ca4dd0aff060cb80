package dev.pier.ssh;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The command string an SSH exec request carries for an argv: every argument quoted for the remote POSIX shell,
 * and wrapped in a small guard so the command dies with its channel. OpenSSH does not signal a command whose
 * channel closes (no pty), so a command Pier gave up on (timeout, cancel) would run on; the guard reads the
 * channel's stdin, which reaches end-of-file only when the channel closes, and then sends the command SIGTERM.
 * The command itself reads {@code /dev/null}. Never put a secret in an argv: the server's process list shows it.
 */
public final class RemoteCommand {

    // A non-interactive shell gives background jobs /dev/null as stdin, hence the copy of the channel's on fd 3.
    static final String GUARD = "exec 3<&0; \"$@\" </dev/null 3<&- & c=$!;"
            + " (cat <&3 >/dev/null; kill -TERM \"$c\") >/dev/null 2>&1 & w=$!; exec 3<&-;"
            + " wait \"$c\"; s=$?; kill \"$w\" 2>/dev/null; exit \"$s\"";
    private static final Pattern PLAIN = Pattern.compile("^[A-Za-z0-9_@%+=:,./-]+$");

    private RemoteCommand() {}

    /** {@code sh -c '<guard>' pier-guard <argv…>}, quoted. */
    public static String guarded(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty remote command");
        }
        StringBuilder sb = new StringBuilder("sh -c ").append(quote(GUARD)).append(" pier-guard");
        argv.forEach(a -> sb.append(' ').append(quote(a)));
        return sb.toString();
    }

    /** One argument for a POSIX shell: left alone when plain, else single-quoted. */
    public static String quote(String arg) {
        if (!arg.isEmpty() && PLAIN.matcher(arg).matches()) {
            return arg;
        }
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    /** The argv as a person would type it, for logs. */
    public static String display(List<String> argv) {
        StringBuilder sb = new StringBuilder();
        argv.forEach(a -> sb.append(sb.isEmpty() ? "" : " ").append(quote(a)));
        return sb.toString();
    }
}
