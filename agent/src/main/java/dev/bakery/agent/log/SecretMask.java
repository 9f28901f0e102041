package dev.bakery.agent.log;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Replaces known secret values with {@code ***} in any text. Longest values first, so a secret that
 * contains another is masked whole. Also masks the base64 forms a registry login takes in
 * config.json and Authorization headers, since builders may echo those.
 */
public final class SecretMask {

    public static final String MASK = "***";

    private final List<String> values;

    private SecretMask(Collection<String> values) {
        this.values = values.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    public static SecretMask none() {
        return new SecretMask(List.of());
    }

    /** This mask plus more values (secrets are learned step by step). */
    public SecretMask with(Collection<String> more) {
        List<String> all = new ArrayList<>(values);
        more.stream().filter(s -> s != null && !s.isEmpty() && !all.contains(s)).forEach(all::add);
        return new SecretMask(all);
    }

    /** Every form of a registry login that may show up in output: the password and {@code base64(user:password)}. */
    public static List<String> loginForms(String username, String password) {
        return List.of(password,
                Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    public String apply(String text) {
        String out = text;
        for (String value : values) {
            out = out.replace(value, MASK);
        }
        return out;
    }
}
