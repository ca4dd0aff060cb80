package dev.pier.oci;

/**
 * Quotes untrusted text for an error message: control and non-ASCII characters become
 * {@code \\uXXXX} (so a Cyrillic look-alike is visible), and long text is cut short
 * (so a huge argument is never echoed back whole). The result is printable ASCII.
 */
public final class Quote {
    static final int MAX_SHOWN = 64;

    private Quote() {}

    /** {@code 'text'}, escaped; cut at 64 characters with the full length noted. */
    public static String quote(String text) {
        if (text == null) {
            return "null";
        }
        if (text.length() > MAX_SHOWN) {
            return "'" + printable(text, MAX_SHOWN) + "' (" + text.length() + " characters)";
        }
        return "'" + printable(text, MAX_SHOWN) + "'";
    }

    /** The text escaped to printable ASCII, cut at {@code max} characters with a trailing '...'. */
    public static String printable(String text, int max) {
        int shown = Math.min(text.length(), max);
        StringBuilder out = new StringBuilder(shown + 8);
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return text.length() > max ? out.append("...").toString() : out.toString();
    }
}
