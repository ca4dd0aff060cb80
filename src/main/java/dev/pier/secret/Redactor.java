package dev.pier.secret;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Replaces secret values in text with {@value #MASK}. Covers the raw value and the encodings a tool is
 * likely to print it in (URL-encoded, base64). Longest values are replaced first, so a secret that
 * contains another is masked whole.
 */
public final class Redactor {

    public static final String MASK = "***";
    private static final Redactor NONE = new Redactor(List.of());

    private final List<String> needles;

    private Redactor(List<String> needles) {
        this.needles = needles;
    }

    public static Redactor none() {
        return NONE;
    }

    public static Redactor of(Collection<String> secrets) {
        Set<String> forms = new LinkedHashSet<>();
        for (String s : secrets) {
            if (s == null || s.isEmpty()) {
                continue;
            }
            forms.add(s);
            forms.add(URLEncoder.encode(s, StandardCharsets.UTF_8));
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            // Only encodings long enough not to match ordinary text.
            if (bytes.length >= 6) {
                forms.add(Base64.getEncoder().withoutPadding().encodeToString(bytes));
                forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
            }
        }
        List<String> sorted = forms.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
        return new Redactor(sorted);
    }

    public String redact(String text) {
        if (text == null || needles.isEmpty()) {
            return text;
        }
        String out = text;
        for (String needle : needles) {
            if (out.contains(needle)) {
                out = out.replace(needle, MASK);
            }
        }
        return out;
    }

    public boolean isEmpty() {
        return needles.isEmpty();
    }
}
