package dev.bakery.agent.log;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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

    /** A mask for these secret values; also masks {@code base64(user:password)} for each login given. */
    public static SecretMask of(Collection<String> secrets, Collection<java.util.Map.Entry<String, String>> logins) {
        Set<String> all = new LinkedHashSet<>();
        secrets.stream().filter(s -> s != null && !s.isEmpty()).forEach(all::add);
        for (var login : logins) {
            all.add(Base64.getEncoder().encodeToString((login.getKey() + ":" + login.getValue()).getBytes(StandardCharsets.UTF_8)));
        }
        return new SecretMask(all);
    }

    /** This mask plus more values (secrets are learned step by step). */
    public SecretMask with(Collection<String> more) {
        List<String> all = new ArrayList<>(values);
        more.stream().filter(s -> s != null && !s.isEmpty() && !all.contains(s)).forEach(all::add);
        return new SecretMask(all);
    }

    public String apply(String text) {
        String out = text;
        for (String value : values) {
            out = out.replace(value, MASK);
        }
        return out;
    }
}
