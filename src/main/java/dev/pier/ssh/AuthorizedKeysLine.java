package dev.pier.ssh;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code authorized_keys} line for a deploy key, restricted to what a deploy needs (commands and SFTP):
 * {@code restrict} (OpenSSH 7.2+: no forwarding of any kind, no pty, no ~/.ssh/rc, and whatever a later OpenSSH
 * adds) and the explicit {@code no-port-forwarding,no-agent-forwarding,no-X11-forwarding,no-pty} as well, so the
 * line still says what it forbids to a reader or a tool that does not know {@code restrict}. OpenSSH before 7.2
 * refuses a line with an option it does not know, so {@link Options#LEGACY} drops {@code restrict}.
 */
public final class AuthorizedKeysLine {

    /** Which restriction options the line carries. */
    public enum Options {
        /** {@code restrict} plus the explicit options (default). */
        MODERN,
        /** Only the explicit options, for OpenSSH older than 7.2. */
        LEGACY
    }

    static final List<String> EXPLICIT = List.of("no-port-forwarding", "no-agent-forwarding", "no-X11-forwarding",
            "no-pty");
    private static final Pattern FROM = Pattern.compile("^[A-Za-z0-9.:/*?!,-]+$");

    private AuthorizedKeysLine() {}

    /**
     * @param publicLine {@code ssh-ed25519 AAAA… comment}
     * @param from       optional {@code from=} pattern list (the addresses the node connects from); null for none
     */
    public static String of(String publicLine, Options options, String from) {
        List<String> opts = new ArrayList<>();
        if (options == Options.MODERN) {
            opts.add("restrict");
        }
        opts.addAll(EXPLICIT);
        if (from != null) {
            if (!FROM.matcher(from).matches()) {
                throw new IllegalArgumentException("--from: '" + from + "' is not a list of addresses, CIDRs or host"
                        + " patterns");
            }
            opts.add("from=\"" + from + "\"");
        }
        return String.join(",", opts) + " " + publicLine;
    }
}
