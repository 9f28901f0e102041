package dev.bakery.core.internal.yaml;

/** Where a value was written: file display name and 1-based line/column (0 when synthesized). */
public record Location(String file, int line, int column) {

    public static Location nowhere(String file) {
        return new Location(file, 0, 0);
    }
}
