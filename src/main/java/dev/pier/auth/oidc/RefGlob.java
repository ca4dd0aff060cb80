package dev.pier.auth.oidc;

import java.util.regex.Pattern;

/** Ref patterns as GitHub's branch filters read them: {@code *} stays within a segment, {@code **} crosses them. */
final class RefGlob {
    private RefGlob() {}

    static Pattern compile(String glob) {
        if (glob == null || glob.isBlank() || !glob.startsWith("refs/")) {
            throw new IllegalArgumentException("OIDC ref pattern must start with refs/: " + glob);
        }
        StringBuilder regex = new StringBuilder();
        int literal = 0;
        for (int i = 0; i < glob.length(); i++) {
            if (glob.charAt(i) != '*') {
                continue;
            }
            regex.append(Pattern.quote(glob.substring(literal, i)));
            if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else {
                regex.append("[^/]*");
            }
            literal = i + 1;
        }
        regex.append(Pattern.quote(glob.substring(literal)));
        return Pattern.compile(regex.toString());
    }
}
