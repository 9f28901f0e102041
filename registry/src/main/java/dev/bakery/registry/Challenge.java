package dev.bakery.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code WWW-Authenticate} challenge, e.g. {@code Bearer realm="https://auth.example/token",
 * service="registry.example",scope="repository:app:pull"}.
 *
 * @param scheme lower-case ({@code basic}, {@code bearer})
 * @param params parameter names lower-case, values unquoted
 */
record Challenge(String scheme, Map<String, String> params) {

    String param(String name) {
        return params.get(name);
    }

    /**
     * Parses a header value holding one or more challenges (RFC 7235: auth-params with quoted
     * strings, which may contain commas, so a split on commas is not enough).
     */
    static List<Challenge> parse(String header) {
        List<Challenge> challenges = new ArrayList<>();
        int i = 0;
        int n = header.length();
        String scheme = null;
        Map<String, String> params = new LinkedHashMap<>();
        while (i < n) {
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ',')) {
                i++;
            }
            int start = i;
            while (i < n && header.charAt(i) != ' ' && header.charAt(i) != '=' && header.charAt(i) != ',') {
                i++;
            }
            String token = header.substring(start, i);
            if (token.isEmpty()) {
                break;
            }
            int afterSpaces = i;
            while (afterSpaces < n && header.charAt(afterSpaces) == ' ') {
                afterSpaces++;
            }
            if (afterSpaces < n && header.charAt(afterSpaces) == '=' && scheme != null) {
                i = afterSpaces + 1;
                while (i < n && header.charAt(i) == ' ') {
                    i++;
                }
                StringBuilder value = new StringBuilder();
                if (i < n && header.charAt(i) == '"') {
                    i++;
                    while (i < n && header.charAt(i) != '"') {
                        if (header.charAt(i) == '\\' && i + 1 < n) {
                            i++;
                        }
                        value.append(header.charAt(i++));
                    }
                    i++;
                } else {
                    while (i < n && header.charAt(i) != ',') {
                        value.append(header.charAt(i++));
                    }
                }
                params.put(token.toLowerCase(Locale.ROOT), value.toString().trim());
            } else {
                if (scheme != null) {
                    challenges.add(new Challenge(scheme, Map.copyOf(params)));
                    params = new LinkedHashMap<>();
                }
                scheme = token.toLowerCase(Locale.ROOT);
            }
        }
        if (scheme != null) {
            challenges.add(new Challenge(scheme, Map.copyOf(params)));
        }
        return challenges;
    }
}
