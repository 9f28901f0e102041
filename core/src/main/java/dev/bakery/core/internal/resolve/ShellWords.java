package dev.bakery.core.internal.resolve;

import dev.bakery.core.internal.InvalidValueException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a one-line flags string (Kaniko's {@code extra-flags}) into arguments the way a POSIX
 * shell would, so users can quote exactly as they would on a command line.
 *
 * <p>Only quoting and escaping are honoured. Nothing is expanded ({@code $HOME}, globs,
 * {@code ~}) and {@code #} starts no comment, because the words go straight to a process, never
 * through a shell, and surprises there would be worse than a literal character.
 */
public final class ShellWords {

    private ShellWords() {}

    /**
     * Returns the words of {@code line}.
     *
     * <ul>
     *   <li>Whitespace separates words; a run of it counts once.
     *   <li>Single quotes keep everything literal up to the next single quote.
     *   <li>Double quotes keep everything literal except a backslash before {@code "}, {@code \},
     *       {@code $} or a backtick, which yields that character.
     *   <li>Outside quotes a backslash yields the next character.
     *   <li>A backslash before a newline, outside single quotes, is dropped with the newline (a
     *       shell line continuation), so a YAML block with trailing backslashes still works.
     *   <li>Quoted and unquoted parts with no whitespace between join into one word, and
     *       {@code ''} or {@code ""} alone is an empty word.
     * </ul>
     *
     * @param line the flags; {@code null} or blank gives an empty list
     * @throws InvalidValueException on an unterminated quote or a trailing backslash
     */
    public static List<String> split(String line) throws InvalidValueException {
        List<String> words = new ArrayList<>();
        if (line == null || line.isBlank()) {
            return words;
        }
        StringBuilder word = new StringBuilder();
        // Separate from word.isEmpty(): a quoted empty string is still a word.
        boolean inWord = false;
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else if (c == '\'') {
                int close = line.indexOf('\'', i + 1);
                if (close < 0) {
                    throw new InvalidValueException("unterminated single quote in \"" + line + "\"");
                }
                word.append(line, i + 1, close);
                inWord = true;
                i = close + 1;
            } else if (c == '"') {
                i = doubleQuoted(line, i + 1, word);
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= n) {
                    throw new InvalidValueException("trailing backslash in \"" + line + "\"");
                }
                char next = line.charAt(i + 1);
                if (next != '\n') {
                    word.append(next);
                    inWord = true;
                }
                i += 2;
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /**
     * Appends the double-quoted part starting just after the opening quote, and returns the index
     * just after its closing quote.
     */
    private static int doubleQuoted(String line, int from, StringBuilder word)
            throws InvalidValueException {
        int i = from;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < n) {
                char next = line.charAt(i + 1);
                if (next == '"' || next == '\\' || next == '$' || next == '`') {
                    word.append(next);
                    i += 2;
                    continue;
                }
                if (next == '\n') {
                    i += 2;
                    continue;
                }
            }
            // Any other backslash is literal inside double quotes, as in a shell.
            word.append(c);
            i++;
        }
        throw new InvalidValueException("unterminated double quote in \"" + line + "\"");
    }
}
