package dev.bakery.core;

/**
 * A config or compose file as read by the caller (core does no I/O).
 *
 * @param name      shown in error messages, e.g. {@code config.yaml}
 * @param text      the file's content
 * @param directory the file's directory relative to the repository root ({@code ""} for the root);
 *                  compose build contexts are relative to it
 */
public record SourceFile(String name, String text, String directory) {

    public SourceFile {
        if (name == null || name.isBlank() || text == null) {
            throw new IllegalArgumentException("a source file needs a name and a text");
        }
        directory = directory == null ? "" : directory;
    }

    public static SourceFile of(String name, String text) {
        return new SourceFile(name, text, "");
    }
}
