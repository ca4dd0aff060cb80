package dev.pier.signal;

import static dev.pier.oci.Quote.quote;

import java.util.List;
import java.util.regex.Pattern;

/** {@code --chart-version}: Helm requires SemVer 2.0.0, and the version becomes an OCI tag. */
final class ChartVersion {
    static final String ARGUMENT = "--chart-version";
    static final int MAX = 128;
    private static final String NUMBER = "(?:0|[1-9][0-9]*)";
    private static final String PRE = "(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)";
    private static final Pattern SEMVER = Pattern.compile(NUMBER + "\\." + NUMBER + "\\." + NUMBER
            + "(?:-" + PRE + "(?:\\." + PRE + ")*)?"
            + "(?:\\+[0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*)?");

    private ChartVersion() {}

    /** Adds a violation when the version is not acceptable; a missing version is the caller's concern. */
    static void check(String version, List<Violation> violations) {
        if (version.isEmpty()) {
            violations.add(new Violation(ARGUMENT, "empty", "must not be empty"));
        } else if (version.length() > MAX) {
            violations.add(new Violation(ARGUMENT, "too-long",
                    "is " + version.length() + " characters long; at most " + MAX + " are allowed"));
        } else if (!SEMVER.matcher(version).matches()) {
            boolean leadingV = version.startsWith("v") && SEMVER.matcher(version.substring(1)).matches();
            violations.add(new Violation(ARGUMENT, "invalid-semver", leadingV
                    ? quote(version) + " is not SemVer 2.0.0: drop the leading 'v'"
                    : quote(version) + " is not a SemVer 2.0.0 version"
                            + " (MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD], e.g. 0.1.0-abcdef123456)"));
        }
    }
}
