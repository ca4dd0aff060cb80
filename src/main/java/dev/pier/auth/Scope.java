package dev.pier.auth;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a token may do, and where: {@code signal:pytoya/staging}, {@code approve:*\/production}, {@code admin}.
 * Patterns are globs over app and environment names ({@code *} matches any run of name characters).
 */
public record Scope(Action action, String apps, String environments) {

    public enum Action {
        /** Send deploy signals, read and cancel runs. */
        SIGNAL,
        /** Approve or reject runs, read runs. */
        APPROVE,
        /** Everything, including managing tokens. */
        ADMIN;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Pattern PART = Pattern.compile("[a-z0-9*][a-z0-9*_-]{0,62}");

    public static Scope parse(String text) {
        String s = text.trim();
        int colon = s.indexOf(':');
        String action = colon < 0 ? s : s.substring(0, colon);
        Action a;
        try {
            a = Action.valueOf(action.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("scope '" + text + "': unknown action '" + action
                    + "' (known: signal, approve, admin)");
        }
        if (colon < 0) {
            return new Scope(a, "*", "*");
        }
        String target = s.substring(colon + 1);
        int slash = target.indexOf('/');
        String apps = slash < 0 ? target : target.substring(0, slash);
        String envs = slash < 0 ? "*" : target.substring(slash + 1);
        if (!PART.matcher(apps).matches() || !PART.matcher(envs).matches()) {
            throw new IllegalArgumentException("scope '" + text + "': expected ACTION[:APP[/ENV]] with names or *"
                    + " globs, e.g. signal:pytoya/staging or approve:*/production");
        }
        return new Scope(a, apps, envs);
    }

    /** Whether this scope allows {@code wanted} on the app and environment. Admin allows every action. */
    public boolean allows(Action wanted, String app, String environment) {
        return (action == Action.ADMIN || action == wanted) && glob(apps, app) && glob(environments, environment);
    }

    /** Whether this scope lets its holder see runs of the app and environment at all. */
    public boolean covers(String app, String environment) {
        return glob(apps, app) && glob(environments, environment);
    }

    static boolean glob(String pattern, String value) {
        if (value == null) {
            return false;
        }
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            re.append(c == '*' ? "[^/]*" : Pattern.quote(String.valueOf(c)));
        }
        return value.matches(re.toString());
    }

    @Override
    public String toString() {
        return action.wire() + ("*".equals(apps) && "*".equals(environments) ? "" : ":" + apps + "/" + environments);
    }
}
