package dev.pier.oci.registry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** A parsed {@code WWW-Authenticate} challenge: {@code Bearer realm="...",service="...",scope="..."} or Basic. */
record Challenge(String scheme, Map<String, String> params) {

    boolean isBearer() {
        return scheme.equalsIgnoreCase("bearer");
    }

    boolean isBasic() {
        return scheme.equalsIgnoreCase("basic");
    }

    String param(String name) {
        return params.get(name);
    }

    static Optional<Challenge> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String text = header.trim();
        int space = text.indexOf(' ');
        String scheme = space < 0 ? text : text.substring(0, space);
        if (scheme.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        int i = space < 0 ? text.length() : space + 1;
        while (i < text.length()) {
            while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == ',')) {
                i++;
            }
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = text.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            i = eq + 1;
            String value;
            if (i < text.length() && text.charAt(i) == '"') {
                StringBuilder sb = new StringBuilder();
                i++;
                while (i < text.length() && text.charAt(i) != '"') {
                    if (text.charAt(i) == '\\' && i + 1 < text.length()) {
                        i++;
                    }
                    sb.append(text.charAt(i++));
                }
                i++;
                value = sb.toString();
            } else {
                int comma = text.indexOf(',', i);
                int end = comma < 0 ? text.length() : comma;
                value = text.substring(i, end).trim();
                i = end;
            }
            params.put(key, value);
        }
        return Optional.of(new Challenge(scheme, Map.copyOf(params)));
    }
}
