package dev.bakery.core;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A process's settings from its environment variables, read the same way by every process (the
 * Lambda handlers, the agent): a missing or malformed value fails with the variable's name.
 */
public record Environment(Map<String, String> variables) {

    public Environment {
        variables = Map.copyOf(Objects.requireNonNull(variables, "variables"));
    }

    public static Environment system() {
        return new Environment(System.getenv());
    }

    /** @throws IllegalStateException naming the variable when it is unset or blank */
    public String required(String name) {
        String value = variables.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value;
    }

    /** The value, or null when unset or blank. */
    public String optional(String name) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? null : value;
    }

    /** Comma-separated values, each trimmed, empty ones dropped; empty when unset. */
    public List<String> list(String name) {
        String value = optional(name);
        return value == null ? List.of() : Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    /** A positive whole number, or {@code fallback} when unset. */
    public long positive(String name, long fallback) {
        String value = optional(name);
        if (value == null) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // the sentence below says what was wrong
        }
        throw new IllegalStateException("environment variable " + name + " must be a positive whole number, not " + value);
    }

    /** An http(s) URL. */
    public URI url(String name) {
        String value = required(name);
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("environment variable " + name + " is not a URL: " + e.getMessage());
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            throw new IllegalStateException("environment variable " + name + " must be an https:// URL, not " + uri);
        }
        return uri;
    }
}
