package dev.pier.cli;

import java.util.List;
import java.util.stream.Collectors;

/** Shows an argv the way a person would type it. For display only: Pier never runs a shell string. */
final class Shell {

    private Shell() {}

    static String quote(List<String> argv) {
        return argv.stream().map(Shell::quote).collect(Collectors.joining(" "));
    }

    static String quote(String arg) {
        if (!arg.isEmpty() && arg.matches("[A-Za-z0-9_@%+=:,./-]+")) {
            return arg;
        }
        return "'" + arg.replace("'", "'\\''") + "'";
    }
}
