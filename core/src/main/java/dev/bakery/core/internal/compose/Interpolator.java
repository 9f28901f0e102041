package dev.bakery.core.internal.compose;

import dev.bakery.core.internal.InvalidValueException;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Docker Compose variable interpolation ({@code $VAR}, {@code ${VAR:-default}} and friends), so
 * that a compose file means the same thing to us as it does to {@code docker compose}.
 *
 * <p>Syntax is checked over the whole text, but a default, alternative or message is only
 * evaluated when Compose would use it: an unused {@code ${B:?}} inside a default must not fail.
 * Public because the compose parser lives in another package.
 */
public final class Interpolator {

    private Interpolator() {}

    /**
     * Replaces every variable reference in {@code text}.
     *
     * @param text        the raw scalar from the compose file
     * @param environment looks a name up; returns {@code null} when the variable is unset, which
     *                    is different from set-but-empty for {@code -}, {@code ?} and {@code +}
     * @return the text with {@code $$} collapsed and every reference substituted; an unset
     *         variable without a default becomes empty, as in Compose
     * @throws InvalidValueException on a malformed reference or a missing required variable
     */
    public static String interpolate(String text, Function<String, String> environment)
            throws InvalidValueException {
        return interpolate(text, environment, name -> { });
    }

    /**
     * As {@link #interpolate(String, Function)}, telling {@code unset} each variable that was used
     * without a value and without a default (Compose warns about those: "defaulting to a blank string").
     */
    public static String interpolate(String text, Function<String, String> environment, Consumer<String> unset)
            throws InvalidValueException {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(environment, "environment");
        StringBuilder out = new StringBuilder(text.length());
        new Run(text, environment, unset).expand(0, text.length(), true, out);
        return out.toString();
    }

    /** One call's state, so the recursive helpers need not pass the text and lookup around. */
    private static final class Run {
        private final String text;
        private final Function<String, String> environment;
        private final Consumer<String> unset;

        Run(String text, Function<String, String> environment, Consumer<String> unset) {
            this.text = text;
            this.environment = environment;
            this.unset = unset;
        }

        /** A plain reference's value: empty when unset, which Compose warns about. */
        private String plain(String name) {
            String value = environment.apply(name);
            if (value == null) {
                unset.accept(name);
                return "";
            }
            return value;
        }

        /**
         * Expands {@code text[from, to)} into {@code out}. With {@code evaluate} false it only
         * checks syntax: no lookups and no required-variable errors, because that branch is unused.
         */
        void expand(int from, int to, boolean evaluate, StringBuilder out)
                throws InvalidValueException {
            int i = from;
            while (i < to) {
                char c = text.charAt(i);
                // Bounded by 'to', not the text's end: in ${A:-$} the '}' after '$' is not ours.
                char next = i + 1 < to ? text.charAt(i + 1) : '\0';
                if (c != '$' || i + 1 >= to) {
                    out.append(c);
                    i++;
                } else if (next == '$') {
                    out.append('$');
                    i += 2;
                } else if (next == '{') {
                    int close = findClosingBrace(i + 2, to);
                    if (close < 0) {
                        throw invalid("missing closing brace");
                    }
                    braced(i + 2, close, evaluate, out);
                    i = close + 1;
                } else if (isNameStart(next)) {
                    int end = nameEnd(i + 1, to);
                    if (evaluate) {
                        out.append(plain(text.substring(i + 1, end)));
                    }
                    i = end;
                } else {
                    // Compose keeps a '$' that starts no reference ("a $ b", "$1") as it is.
                    out.append(c);
                    i++;
                }
            }
        }

        /**
         * Index of the '}' closing a {@code ${} whose content starts at {@code from}, or -1. As in
         * compose-go's template, every '{' nests ({@code ${JSON:-{"a":1}}} ends at the last brace),
         * and when the braces do not balance the expression runs to the last '}' before {@code to}.
         */
        private int findClosingBrace(int from, int to) {
            int depth = 1;
            for (int i = from; i < to; i++) {
                char c = text.charAt(i);
                if (c == '{') {
                    depth++;
                } else if (c == '}' && --depth == 0) {
                    return i;
                }
            }
            int last = text.lastIndexOf('}', to - 1);
            return last >= from ? last : -1;
        }

        /** Handles the content {@code text[from, to)} of one {@code ${...}}. */
        private void braced(int from, int to, boolean evaluate, StringBuilder out)
                throws InvalidValueException {
            if (from >= to || !isNameStart(text.charAt(from))) {
                throw invalid("bad variable name");
            }
            int nameEnd = nameEnd(from, to);
            String name = text.substring(from, nameEnd);
            if (nameEnd == to) {
                if (evaluate) {
                    out.append(plain(name));
                }
                return;
            }
            boolean colon = text.charAt(nameEnd) == ':';
            int opAt = colon ? nameEnd + 1 : nameEnd;
            char op = opAt < to ? text.charAt(opAt) : '\0';
            if (op != '-' && op != '?' && op != '+') {
                throw invalid("bad variable name");
            }
            int argFrom = opAt + 1;
            String value = evaluate ? environment.apply(name) : null;
            // With ':' an empty value counts as unset; without it only null does.
            boolean present = value != null && !(colon && value.isEmpty());
            switch (op) {
                case '-' -> {
                    if (present) {
                        out.append(value);
                    }
                    expandArgument(argFrom, to, evaluate && !present, out);
                }
                case '+' -> expandArgument(argFrom, to, evaluate && present, out);
                default -> {
                    StringBuilder message = new StringBuilder();
                    expandArgument(argFrom, to, evaluate && !present, message);
                    if (evaluate && !present) {
                        throw new InvalidValueException("required variable " + name
                                + " is missing a value"
                                + (message.isEmpty() ? "" : ": " + message));
                    }
                    out.append(evaluate ? value : "");
                }
            }
        }

        /** Expands an operator's argument into {@code out} when used, else only checks it. */
        private void expandArgument(int from, int to, boolean used, StringBuilder out)
                throws InvalidValueException {
            expand(from, to, used, used ? out : new StringBuilder());
        }

        private int nameEnd(int from, int to) {
            int i = from + 1;
            while (i < to && isNamePart(text.charAt(i))) {
                i++;
            }
            return i;
        }

        private InvalidValueException invalid(String why) {
            return new InvalidValueException(
                    "invalid interpolation format in \"" + text + "\": " + why);
        }
    }

    private static boolean isNameStart(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || (c >= '0' && c <= '9');
    }
}
