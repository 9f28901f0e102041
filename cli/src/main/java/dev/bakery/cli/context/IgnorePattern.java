package dev.bakery.cli.context;

import dev.bakery.core.WorkspacePaths;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One {@code .dockerignore} pattern, compiled as {@code moby/patternmatcher} compiles it: {@code *}
 * and {@code ?} never match {@code /}; {@code **} matches any number of directories (a leading
 * {@code **} a suffix, a trailing one a prefix); {@code [...]} is a character class; {@code \}
 * escapes the next character. Patterns without wildcards are compared as strings.
 *
 * <p>Where Go's translation to a regular expression leaks regexp syntax (a {@code ^} outside a class, a
 * {@code *} inside one, {@code \d}), this class keeps {@code filepath.Match}'s meaning instead.
 */
final class IgnorePattern {

    /** A pattern Docker would refuse ({@code filepath.ErrBadPattern}). */
    static final class BadPatternException extends Exception {
        private static final long serialVersionUID = 1L;

        BadPatternException(String reason) {
            super(reason);
        }
    }

    private enum Type { EXACT, PREFIX, SUFFIX, REGEXP }

    private final String cleaned;
    private final boolean exclusion;
    private final int depth;
    private final Type type;
    private final Pattern regexp;

    private IgnorePattern(String cleaned, boolean exclusion, Type type, Pattern regexp) {
        this.cleaned = cleaned;
        this.exclusion = exclusion;
        this.depth = cleaned.split("/", -1).length;
        this.type = type;
        this.regexp = regexp;
    }

    /** Compiles one line as {@code patternmatcher.New} does: trimmed, cleaned, {@code !} for an exception. */
    static IgnorePattern compile(String line) throws BadPatternException {
        String p = WorkspacePaths.clean(GoPaths.trimSpace(line));
        boolean exclusion = p.charAt(0) == '!';
        if (exclusion) {
            if (p.length() == 1) {
                throw new BadPatternException("illegal exclusion pattern: \"!\"");
            }
            p = p.substring(1);
        }
        validate(p);
        return translate(p, exclusion);
    }

    /** The pattern without its {@code !}. */
    String text() {
        return cleaned;
    }

    boolean exclusion() {
        return exclusion;
    }

    /** How many path components the pattern has (for Docker's one-level parent check). */
    int depth() {
        return depth;
    }

    boolean matches(String path) {
        return switch (type) {
            case EXACT -> path.equals(cleaned);
            case PREFIX -> path.startsWith(cleaned.substring(0, cleaned.length() - 2));
            case SUFFIX -> {
                String suffix = cleaned.substring(2);
                yield path.endsWith(suffix) || (suffix.startsWith("/") && path.equals(suffix.substring(1)));
            }
            case REGEXP -> regexp.matcher(path).matches();
        };
    }

    private static IgnorePattern translate(String p, boolean exclusion) throws BadPatternException {
        StringBuilder regex = new StringBuilder();
        Type type = Type.EXACT;
        int[] chars = p.codePoints().toArray();
        for (int i = 0; i < chars.length; i++) {
            int c = chars[i];
            if (c == '*' && i + 1 < chars.length && chars[i + 1] == '*') {
                int start = i;
                i++;
                if (i + 1 < chars.length && chars[i + 1] == '/') {
                    i++; // "**/" is "**"
                }
                if (i + 1 == chars.length) {
                    if (type == Type.EXACT) {
                        type = Type.PREFIX;
                    } else {
                        regex.append(".*");
                        type = Type.REGEXP;
                    }
                } else {
                    regex.append("(?:.*/)?");
                    type = Type.REGEXP;
                }
                if (start == 0) {
                    type = Type.SUFFIX;
                }
            } else if (c == '*') {
                regex.append("[^/]*");
                type = Type.REGEXP;
            } else if (c == '?') {
                regex.append("[^/]");
                type = Type.REGEXP;
            } else if (c == '\\') {
                literal(regex, chars[++i]); // validate() saw that a character follows
                type = Type.REGEXP;
            } else if (c == '[') {
                i = characterClass(regex, chars, i);
                type = Type.REGEXP;
            } else if (c == ']') {
                regex.append("\\]");
                type = Type.REGEXP;
            } else {
                literal(regex, c);
            }
        }
        Pattern compiled = null;
        if (type == Type.REGEXP) {
            try {
                // Go's "." stops at "\n" only; so does Java's with UNIX_LINES.
                compiled = Pattern.compile(regex.toString(), Pattern.UNIX_LINES);
            } catch (PatternSyntaxException e) {
                throw new BadPatternException("syntax error in pattern"); // e.g. a range [z-a]
            }
        }
        return new IgnorePattern(p, exclusion, type, compiled);
    }

    /** Appends a class starting at {@code chars[open]} (already validated) and returns the index of its ']'. */
    private static int characterClass(StringBuilder regex, int[] chars, int open) {
        int i = open + 1;
        regex.append('[');
        if (chars[i] == '^') {
            regex.append('^');
            i++;
        }
        do {
            i = classChar(regex, chars, i);
            if (chars[i] == '-') {
                regex.append('-');
                i = classChar(regex, chars, i + 1);
            }
        } while (chars[i] != ']');
        regex.append(']');
        return i;
    }

    private static int classChar(StringBuilder regex, int[] chars, int i) {
        if (chars[i] == '\\') {
            i++;
        }
        literal(regex, chars[i]);
        return i + 1;
    }

    private static void literal(StringBuilder regex, int c) {
        if (c < 0x80 && !Character.isLetterOrDigit(c)) {
            regex.append('\\'); // a backslash before any other ASCII character is a literal in Java
        }
        regex.appendCodePoint(c);
    }

    /**
     * The syntax check Docker makes with {@code filepath.Match(pattern, ".")}: a {@code \} needs a
     * character after it; a class is closed, not empty, and its ranges have both ends.
     */
    private static void validate(String p) throws BadPatternException {
        int[] chars = p.codePoints().toArray();
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] == '\\') {
                if (++i == chars.length) {
                    throw new BadPatternException("syntax error in pattern (a \\ at the end)");
                }
            } else if (chars[i] == '[') {
                i = validateClass(chars, i + 1);
            }
        }
    }

    private static int validateClass(int[] chars, int i) throws BadPatternException {
        if (i < chars.length && chars[i] == '^') {
            i++;
        }
        int ranges = 0;
        while (true) {
            if (i < chars.length && chars[i] == ']' && ranges > 0) {
                return i;
            }
            i = classEnd(chars, i);
            if (chars[i] == '-') {
                i = classEnd(chars, i + 1);
            }
            ranges++;
        }
    }

    /** Go's getEsc: one (possibly escaped) class character, which must not be the last of the pattern. */
    private static int classEnd(int[] chars, int i) throws BadPatternException {
        if (i >= chars.length || chars[i] == '-' || chars[i] == ']') {
            throw new BadPatternException("syntax error in pattern (a malformed [...] class)");
        }
        if (chars[i] == '\\' && ++i >= chars.length) {
            throw new BadPatternException("syntax error in pattern (a malformed [...] class)");
        }
        if (i + 1 >= chars.length) {
            throw new BadPatternException("syntax error in pattern (a [...] class is not closed)");
        }
        return i + 1;
    }

    @Override
    public String toString() {
        return (exclusion ? "!" : "") + cleaned;
    }
}
