package dev.bakery.core;

/**
 * One thing wrong with the user's input, located as precisely as we know it.
 *
 * @param file   the file's display name ({@code config.yaml}), or empty when not from a file
 * @param path   the key path ({@code bake[1].kaniko.cache.ttl}), or empty for the whole file
 * @param line   1-based line, or 0 when unknown
 * @param column 1-based column, or 0 when unknown
 * @param message a human sentence saying what is wrong and, where we can, what would be right
 */
public record Problem(String file, String path, int line, int column, String message) {

    public Problem {
        file = file == null ? "" : file;
        path = path == null ? "" : path;
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("a problem needs a message");
        }
    }

    /** {@code config.yaml:12:5: bake[1].kaniko.cache.ttl: invalid duration "1d"}. */
    public String render() {
        StringBuilder out = new StringBuilder();
        if (!file.isEmpty()) {
            out.append(file);
            if (line > 0) {
                out.append(':').append(line);
                if (column > 0) {
                    out.append(':').append(column);
                }
            }
            out.append(": ");
        }
        if (!path.isEmpty()) {
            out.append(path).append(": ");
        }
        return out.append(message).toString();
    }
}
