package dev.bakery.cli.context;

import dev.bakery.core.WorkspacePaths;

/** Go standard library functions whose exact behaviour Docker's ignore rules depend on (Clean: {@link WorkspacePaths#clean}). */
final class GoPaths {

    private GoPaths() {}

    /** Go's {@code path/filepath.Dir} for a slash-separated path. */
    static String dir(String path) {
        int slash = path.lastIndexOf('/');
        return WorkspacePaths.clean(slash < 0 ? "" : path.substring(0, slash + 1));
    }

    /** Go's {@code strings.TrimSpace}: Unicode white space, which is not Java's {@link String#strip()}. */
    static String trimSpace(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /** Go's {@code unicode.IsSpace} (every such character is in the BMP). */
    private static boolean isSpace(char c) {
        return switch (c) {
            case '\t', '\n', '\u000B', '\f', '\r', ' ', '\u0085', '\u00A0', '\u1680', '\u2028', '\u2029', '\u202F',
                    '\u205F', '\u3000' -> true;
            default -> c >= '\u2000' && c <= '\u200A';
        };
    }
}
