package dev.bakery.cli.output;

import java.util.Locale;

/** {@code --output} / {@code LOG_FORMAT}: prefixed lines (coloured on a TTY), the same never coloured with times, or JSON lines. */
public enum OutputFormat {
    SIMPLE, PLAIN, JSON;

    /** @throws IllegalArgumentException naming the valid values */
    public static OutputFormat parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown output format \"" + text + "\" (use simple, plain or json)");
        }
    }
}
