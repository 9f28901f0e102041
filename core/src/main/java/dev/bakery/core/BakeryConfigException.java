package dev.bakery.core;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The user's config or compose input cannot be turned into build plans. Carries every problem
 * found (not only the first), each naming file, key path and, where known, line and column. It is
 * a user error: print {@link #getMessage()}, never the stack trace.
 */
public final class BakeryConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    public BakeryConfigException(List<Problem> problems) {
        super(problems.stream().map(Problem::render).collect(Collectors.joining("\n")), null, false, false);
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an error needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public BakeryConfigException(Problem problem) {
        this(List.of(problem));
    }

    public List<Problem> problems() {
        return problems;
    }
}
