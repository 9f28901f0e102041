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
 * config.json and Authorization headers, since builders may echo those, and the lines of
 * multi-line build secrets.
 */
public final class SecretMask {

    public static final String MASK = "***";
    static final int MIN_LINE_LENGTH = 8;

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

    /**
     * Every form of a build secret's value that may show up in output: the value, and each of its
     * lines of {@value #MIN_LINE_LENGTH} characters or more (output is masked line by line, so a
     * multi-line value such as a key file only ever shows up a line at a time; shorter lines would
     * mask ordinary words).
     */
    public static List<String> valueForms(String value) {
        List<String> forms = new ArrayList<>();
        forms.add(value);
        value.lines().map(String::strip).filter(line -> line.length() >= MIN_LINE_LENGTH && !forms.contains(line))
                .forEach(forms::add);
        return forms;
    }

    public String apply(String text) {
        String out = text;
        for (String value : values) {
            out = out.replace(value, MASK);
        }
        return out;
    }
}
