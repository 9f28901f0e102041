package dev.bakery.agent.log;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Replaces known secret values with {@code ***} in any text, in every form a build can print them
 * with the tools of a base image ({@link #forms}): as they are, reversed, base64 (standard and
 * URL-safe, with or without padding, and inside a longer base64 text such as a registry login's
 * {@code base64(user:password)}), hex (lower and upper case, as {@code xxd -p} and {@code od -tx1}
 * print it) and URL-encoded. Longest forms first, so a form that contains another is masked whole.
 * A value shorter than {@value #MIN_LENGTH} characters is not masked at all: it would mask ordinary
 * words and digits all over the log, and a secret that short is no secret.
 */
public final class SecretMask {

    public static final String MASK = "***";
    /** The shortest value masked; shorter ones would mask ordinary text. */
    public static final int MIN_LENGTH = 4;
    static final int MIN_LINE_LENGTH = 8;
    /**
     * The shortest base64 run masked inside a longer base64 text: 6 characters (a value of 5 bytes
     * or more). Shorter runs occur by chance in digests and other base64.
     */
    static final int MIN_EMBEDDED_BASE64 = 6;

    private final List<String> forms;
    private final Set<String> values;

    private SecretMask(Set<String> values) {
        this.values = values;
        Set<String> all = new LinkedHashSet<>();
        values.forEach(v -> all.addAll(forms(v)));
        this.forms = all.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    public static SecretMask none() {
        return new SecretMask(Set.of());
    }

    /** This mask plus more values (secrets are learned step by step). */
    public SecretMask with(Collection<String> more) {
        Set<String> all = new LinkedHashSet<>(values);
        more.stream().filter(s -> s != null && s.length() >= MIN_LENGTH).forEach(all::add);
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

    /** The encodings of one value that are masked (see the class comment); empty when it is too short. */
    public static Set<String> forms(String value) {
        Set<String> forms = new LinkedHashSet<>();
        if (value.length() < MIN_LENGTH) {
            return forms;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        forms.add(value);
        forms.add(new StringBuilder(value).reverse().toString());
        for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
            forms.add(encoder.encodeToString(bytes));
            forms.add(encoder.withoutPadding().encodeToString(bytes));
            for (int offset = 0; offset < 3; offset++) {
                String embedded = embeddedBase64(encoder, bytes, offset);
                if (embedded.length() >= MIN_EMBEDDED_BASE64) {
                    forms.add(embedded);
                }
            }
        }
        HexFormat hex = HexFormat.of();
        forms.add(hex.formatHex(bytes));
        forms.add(hex.withUpperCase().formatHex(bytes));
        forms.add(HexFormat.ofDelimiter(" ").formatHex(bytes)); // od -An -tx1
        String urlEncoded = URLEncoder.encode(value, StandardCharsets.UTF_8);
        forms.add(urlEncoded);
        forms.add(urlEncoded.replace("+", "%20"));
        StringBuilder everyByte = new StringBuilder();
        for (byte b : bytes) {
            everyByte.append('%').append(hex.withUpperCase().toHexDigits(b));
        }
        forms.add(everyByte.toString());
        forms.add(everyByte.toString().toLowerCase(Locale.ROOT));
        return forms;
    }

    /**
     * The characters of {@code base64(prefix + value + suffix)} that only the value decides, when
     * the prefix's length is {@code offset} modulo 3: each base64 character holds 6 bits, so those
     * are the characters whose bits all lie within the value's.
     */
    private static String embeddedBase64(Base64.Encoder encoder, byte[] value, int offset) {
        byte[] shifted = new byte[offset + value.length];
        System.arraycopy(value, 0, shifted, offset, value.length);
        String encoded = encoder.withoutPadding().encodeToString(shifted);
        int first = (8 * offset + 5) / 6;
        int end = 8 * (offset + value.length) / 6;
        return encoded.substring(first, end);
    }

    public String apply(String text) {
        String out = text;
        for (String form : forms) {
            out = out.replace(form, MASK);
        }
        return out;
    }
}
