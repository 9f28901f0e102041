package dev.bakery.core.internal.compose;

import dev.bakery.core.internal.InvalidValueException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A Compose {@code .env} file, read as compose-go's {@code dotenv} package reads it: {@code KEY=value}
 * or {@code KEY: value}, an optional {@code export} prefix, {@code #} comment lines, a bare {@code KEY}
 * taken from the environment (or left out), unquoted values cut at {@code " #"} and trimmed, single
 * quotes literal, double quotes with backslash escapes; unquoted and double-quoted values are
 * interpolated, the environment first, then the keys already read from the file.
 */
public final class DotEnv {

    private final String text;
    private final Function<String, String> environment;
    private final Map<String, String> out = new LinkedHashMap<>();
    private int at;
    private int line = 1;

    private DotEnv(String text, Function<String, String> environment) {
        this.text = text.startsWith("\uFEFF") ? text.substring(1) : text;
        this.environment = environment;
    }

    /**
     * @param environment looks a name up, null when unset
     * @throws InvalidValueException naming the line of a malformed entry
     */
    public static Map<String, String> parse(String text, Function<String, String> environment)
            throws InvalidValueException {
        DotEnv parser = new DotEnv(text, environment);
        parser.run();
        return parser.out;
    }

    private void run() throws InvalidValueException {
        while (statementStart()) {
            String rest = text.substring(at);
            if (rest.matches("(?s)export[ \\t\\x0B\\f\\r].*")) {
                at += "export".length();
                skipBlanks();
            }
            int keyFrom = at;
            char end = 0;
            while (at < text.length()) {
                char c = text.charAt(at);
                if (c == '=' || c == ':' || c == '\n') {
                    end = c;
                    break;
                }
                if (!isBlank(c) && !Character.isLetterOrDigit(c) && "_.-[]".indexOf(c) < 0) {
                    throw new InvalidValueException("line " + line + ": unexpected character \"" + c
                            + "\" in variable name \"" + firstLine(keyFrom) + "\"");
                }
                at++;
            }
            String key = text.substring(keyFrom, at).stripTrailing();
            if (key.contains(" ")) {
                throw new InvalidValueException("line " + line + ": a key cannot contain a space");
            }
            if (end != '=' && end != ':') { // a bare KEY: inherited from the environment
                String inherited = environment.apply(key);
                if (inherited != null) {
                    out.put(key, inherited);
                }
                continue;
            }
            at++;
            skipBlanks();
            out.put(key, value());
        }
    }

    /** Skips white space and comment lines; false at the end of the text. */
    private boolean statementStart() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '#') {
                int newline = text.indexOf('\n', at);
                at = newline < 0 ? text.length() : newline;
            } else if (Character.isWhitespace(c)) {
                if (c == '\n') {
                    line++;
                }
                at++;
            } else {
                return true;
            }
        }
        return false;
    }

    private String value() throws InvalidValueException {
        char quote = at < text.length() ? text.charAt(at) : 0;
        if (quote != '"' && quote != '\'') {
            int newline = text.indexOf('\n', at);
            String value = text.substring(at, newline < 0 ? text.length() : newline);
            at = newline < 0 ? text.length() : newline;
            int comment = value.indexOf(" #");
            return expand((comment < 0 ? value : value.substring(0, comment)).stripTrailing());
        }
        StringBuilder chars = new StringBuilder();
        boolean escape = false;
        for (int i = at + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
            }
            if (c == quote && !escape) {
                at = i + 1;
                String value = chars.toString();
                return quote == '"' ? expand(unescape(value)) : value;
            }
            if (c == '\\' && !escape) {
                escape = true;
                continue;
            }
            if (escape && c != quote) {
                chars.append('\\');
            }
            escape = false;
            chars.append(c);
        }
        throw new InvalidValueException("line " + line + ": unterminated quoted value " + firstLine(at));
    }

    /** Go's escapes in double quotes ({@code \n}, {@code \t}, {@code \\}, {@code \0ooo}, ...); {@code \$} stays a literal '$'. */
    private static String unescape(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\\' || i + 1 == value.length()) {
                out.append(c);
                continue;
            }
            char next = value.charAt(i + 1);
            String replacement = switch (next) {
                case 'a' -> "\u0007";
                case 'b' -> "\b";
                case 'c' -> "\\c"; // Go's UnquoteChar refuses it: kept as written
                case 'f' -> "\f";
                case 'n' -> "\n";
                case 'r' -> "\r";
                case 't' -> "\t";
                case 'v' -> "\u000B";
                case '$' -> "$$";
                case '"' -> "\"";
                case '\\' -> "\\";
                default -> null;
            };
            if (next == '0') {
                int end = i + 2;
                while (end < value.length() && end < i + 5 && Character.isDigit(value.charAt(end))) {
                    end++;
                }
                String octal = value.substring(i + 2, end);
                if (octal.length() == 3 && octal.chars().allMatch(d -> d <= '7')) {
                    out.append((char) Integer.parseInt(octal, 8));
                } else {
                    out.append(value, i, end);
                }
                i = end - 1;
            } else if (replacement != null) {
                out.append(replacement);
                i++;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private String expand(String value) throws InvalidValueException {
        try {
            return Interpolator.interpolate(value, name -> {
                String fromEnvironment = environment.apply(name);
                return fromEnvironment != null ? fromEnvironment : out.get(name);
            });
        } catch (InvalidValueException e) {
            throw new InvalidValueException("line " + line + ": " + e.getMessage());
        }
    }

    private void skipBlanks() {
        while (at < text.length() && isBlank(text.charAt(at))) {
            at++;
        }
    }

    /** compose-go's isSpace: white space other than a newline. */
    private static boolean isBlank(char c) {
        return c == '\t' || c == '\u000B' || c == '\f' || c == '\r' || c == ' ' || c == '\u0085' || c == '\u00A0';
    }

    private String firstLine(int from) {
        int newline = text.indexOf('\n', from);
        return text.substring(from, newline < 0 ? text.length() : newline);
    }
}
