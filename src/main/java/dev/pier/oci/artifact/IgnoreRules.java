package dev.pier.oci.artifact;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which paths to leave out of an artifact, in a subset of gitignore syntax: {@code #} comments, {@code !}
 * negation, a trailing {@code /} for directories only, {@code *}, {@code ?}, {@code [...]}, {@code **},
 * a leading (or inner) {@code /} anchoring the pattern to the root. The last matching rule wins; an
 * ignored directory is not entered, so nothing below it can be re-included (as in git).
 */
public final class IgnoreRules {

    /** Flux's defaults: VCS metadata, archives and common image files. */
    public static final List<String> DEFAULT_PATTERNS = List.of(
            ".git/", "*.tar.gz", "*.zip", "*.jpg", "*.jpeg", "*.gif", "*.png", "*.wmv", "*.flv");
    public static final String IGNORE_FILE = ".sourceignore";

    private record Rule(String source, Pattern pattern, boolean negated, boolean directoryOnly) {}

    private final List<Rule> rules;

    private IgnoreRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static IgnoreRules none() {
        return new IgnoreRules(List.of());
    }

    public static IgnoreRules defaults() {
        return parse(String.join("\n", DEFAULT_PATTERNS));
    }

    /** The defaults, then the directory's {@code .sourceignore} when it has one. */
    public static IgnoreRules forDirectory(Path dir) throws IOException {
        Path file = dir.resolve(IGNORE_FILE);
        IgnoreRules rules = defaults();
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            rules = rules.and(parse(Files.readString(file, StandardCharsets.UTF_8)));
        }
        return rules;
    }

    /** Parses gitignore-style lines. */
    public static IgnoreRules parse(String text) {
        List<Rule> rules = new ArrayList<>();
        for (String raw : text.split("\r?\n")) {
            String line = stripTrailingSpaces(raw);
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean negated = false;
            if (line.startsWith("!")) {
                negated = true;
                line = line.substring(1);
            } else if (line.startsWith("\\#") || line.startsWith("\\!")) {
                line = line.substring(1);
            }
            boolean directoryOnly = line.endsWith("/");
            if (directoryOnly) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                continue;
            }
            boolean anchored = line.contains("/");
            if (line.startsWith("/")) {
                line = line.substring(1);
            }
            String regex = (anchored || line.startsWith("**") ? "" : "(?:.*/)?") + globToRegex(line);
            rules.add(new Rule(raw, Pattern.compile(regex), negated, directoryOnly));
        }
        return new IgnoreRules(rules);
    }

    /** These rules followed by {@code more} (whose rules win where both match). */
    public IgnoreRules and(IgnoreRules more) {
        List<Rule> all = new ArrayList<>(rules);
        all.addAll(more.rules);
        return new IgnoreRules(all);
    }

    /** Whether {@code relativePath} ('/'-separated, no leading '/') is ignored. */
    public boolean ignores(String relativePath, boolean directory) {
        boolean ignored = false;
        for (Rule rule : rules) {
            if (rule.directoryOnly() && !directory) {
                continue;
            }
            if (rule.pattern().matcher(relativePath).matches()) {
                ignored = !rule.negated();
            }
        }
        return ignored;
    }

    private static String stripTrailingSpaces(String line) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')
                && !(end > 1 && line.charAt(end - 2) == '\\')) {
            end--;
        }
        return line.substring(0, end);
    }

    static String globToRegex(String glob) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i);
            if (glob.startsWith("**/", i) && (i == 0 || glob.charAt(i - 1) == '/')) {
                out.append("(?:.*/)?");
                i += 3;
            } else if (glob.startsWith("**", i) && i + 2 == glob.length() && (i == 0 || glob.charAt(i - 1) == '/')) {
                out.append(".*");
                i += 2;
            } else if (c == '*') {
                out.append("[^/]*");
                i++;
            } else if (c == '?') {
                out.append("[^/]");
                i++;
            } else if (c == '[') {
                int close = glob.indexOf(']', i + 2);
                if (close < 0) {
                    out.append("\\[");
                    i++;
                } else {
                    String body = glob.substring(i + 1, close);
                    if (body.startsWith("!")) {
                        body = "^" + body.substring(1);
                    }
                    out.append('[').append(body.replace("\\", "\\\\").replace("[", "\\[")).append(']');
                    i = close + 1;
                }
            } else if (c == '\\' && i + 1 < glob.length()) {
                out.append(Pattern.quote(String.valueOf(glob.charAt(i + 1))));
                i += 2;
            } else {
                out.append(Pattern.quote(String.valueOf(c)));
                i++;
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return rules.stream().map(Rule::source).toList().toString();
    }
}
