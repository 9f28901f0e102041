package dev.bakery.local.statemachine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A state machine definition with {@code ${Name}} placeholders, filled as CloudFormation's
 * {@code DefinitionSubstitutions} fills them.
 *
 * @param source where the text came from, for messages
 */
public record AslTemplate(String source, String text) {

    /** The build state machine, {@code cdk/src/main/resources/statemachine/build.asl.json} (DESIGN.md, section State machine). */
    public static final String BUILD_STATE_MACHINE = "/statemachine/build.asl.json";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");

    /** The build state machine, read from the class path. */
    public static AslTemplate buildStateMachine() {
        try (InputStream in = AslTemplate.class.getResourceAsStream(BUILD_STATE_MACHINE)) {
            if (in == null) {
                throw new IllegalStateException("the class path lacks " + BUILD_STATE_MACHINE);
            }
            return new AslTemplate(BUILD_STATE_MACHINE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + BUILD_STATE_MACHINE, e);
        }
    }

    /** The names of the placeholders, sorted. */
    public Set<String> placeholders() {
        Set<String> names = new TreeSet<>();
        Matcher matcher = PLACEHOLDER.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    /**
     * The definition with every placeholder replaced.
     *
     * @throws IllegalArgumentException a placeholder has no value, or a value has no placeholder (a typo)
     */
    public String substitute(Map<String, String> values) {
        Set<String> missing = new TreeSet<>(placeholders());
        missing.removeAll(values.keySet());
        Set<String> unused = new TreeSet<>(values.keySet());
        unused.removeAll(placeholders());
        if (!missing.isEmpty() || !unused.isEmpty()) {
            throw new IllegalArgumentException(source + ": " + (missing.isEmpty() ? "" : "no value for " + missing)
                    + (missing.isEmpty() || unused.isEmpty() ? "" : ", ") + (unused.isEmpty() ? "" : "no placeholder for " + unused));
        }
        return PLACEHOLDER.matcher(text).replaceAll(match -> Matcher.quoteReplacement(values.get(match.group(1))));
    }
}
