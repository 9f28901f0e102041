package dev.bakery.core;

/**
 * A path of a plan that could lead outside the workspace (or, for an ignore path, that is not a
 * plain path). Names the field ({@code contextPath}, then {@code tasks[0].kaniko.contextPath} once
 * located in a plan) and the rule broken, so a refusal can say both. The rules: {@link WorkspacePaths}.
 */
public final class UnsafePathException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String rule;

    public UnsafePathException(String field, String value, String rule) {
        this(field, rule, (CharSequence) (" " + quoted(value) + " " + rule));
    }

    /** @param afterField the message after the field's name (a CharSequence only to tell it from the public constructor) */
    private UnsafePathException(String field, String rule, CharSequence afterField) {
        super(field + afterField);
        this.field = field;
        this.rule = rule;
    }

    /** The same refusal, located under {@code parent} ({@code tasks[0].kaniko}). */
    public UnsafePathException under(String parent) {
        return parent.isEmpty() ? this
                : new UnsafePathException(parent + "." + field, rule, getMessage().subSequence(field.length(), getMessage().length()));
    }

    /** The field at fault, as a JSON path from the object that holds it. */
    public String field() {
        return field;
    }

    /** The rule broken, e.g. {@code has a ".." segment: ...}. */
    public String rule() {
        return rule;
    }

    /** The value as a JSON string shows it, so a NUL or a newline stays visible. */
    private static String quoted(String value) {
        if (value == null) {
            return "(none)";
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
