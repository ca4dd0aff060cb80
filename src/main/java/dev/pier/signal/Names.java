package dev.pier.signal;

import java.util.Collection;
import java.util.regex.Pattern;

/** App, environment and component names: DNS labels (RFC 1123), so they are safe in any deployer. */
final class Names {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private Names() {}

    static boolean valid(String name) {
        return name != null && name.length() <= 63 && LABEL.matcher(name).matches();
    }

    /** {@code --images.api} for a name-like key; plain {@code --images} for anything else. */
    static String imageArgument(String key) {
        return valid(key) ? "--images." + key : "--images";
    }

    /** "a, b, c" — or "none" — for "(configured: …)" hints. */
    static String list(Collection<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", names);
    }
}
