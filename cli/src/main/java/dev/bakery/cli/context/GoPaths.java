package dev.bakery.cli.context;

/** The few Go standard library functions whose exact behaviour Docker's ignore rules depend on. */
final class GoPaths {

    private GoPaths() {}

    /** Go's {@code path/filepath.Clean} on a Unix system. */
    static String clean(String path) {
        if (path.isEmpty()) {
            return ".";
        }
        boolean rooted = path.charAt(0) == '/';
        StringBuilder out = new StringBuilder();
        int kept = 0; // components in out that a later ".." may remove
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (kept > 0) {
                    int cut = out.lastIndexOf("/");
                    out.setLength(Math.max(cut, 0));
                    kept--;
                    continue;
                }
                if (rooted) {
                    continue; // "/.." is "/"
                }
            } else {
                kept++;
            }
            if (!out.isEmpty()) {
                out.append('/');
            }
            out.append(part);
        }
        if (rooted) {
            return "/" + out;
        }
        return out.isEmpty() ? "." : out.toString();
    }

    /** Go's {@code path/filepath.Dir} for a slash-separated path. */
    static String dir(String path) {
        int slash = path.lastIndexOf('/');
        return clean(slash < 0 ? "" : path.substring(0, slash + 1));
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
