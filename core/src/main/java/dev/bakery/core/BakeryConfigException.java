package dev.bakery.core;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The user's config or compose input cannot be turned into build plans. Carries every problem
 * found (not only the first), each naming file, key path and, where known, line and column. It is
 * a user error: print {@link #getMessage()}, never the stack trace.
 */
public final class BakeryConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;
    private final transient List<Problem> warnings;

    public BakeryConfigException(List<Problem> problems) {
        this(problems, List.of());
    }

    /**
     * @param warnings found alongside, shown after the errors because they may explain them (an unset
     *                 variable behind an invalid image name)
     */
    public BakeryConfigException(List<Problem> problems, List<Problem> warnings) {
        super(Stream.concat(problems.stream().map(Problem::render),
                warnings.stream().map(w -> "warning: " + w.render())).collect(Collectors.joining("\n")), null, false, false);
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an error needs at least one problem");
        }
        this.problems = List.copyOf(problems);
        this.warnings = List.copyOf(warnings);
    }

    public BakeryConfigException(Problem problem) {
        this(List.of(problem));
    }

    public List<Problem> problems() {
        return problems;
    }

    public List<Problem> warnings() {
        return warnings;
    }
}
