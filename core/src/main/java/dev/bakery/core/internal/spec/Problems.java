package dev.bakery.core.internal.spec;

import dev.bakery.core.BakeryConfigException;
import dev.bakery.core.Problem;
import dev.bakery.core.internal.yaml.Location;
import dev.bakery.core.internal.yaml.YamlNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects every problem of one resolution so the user sees them all at once. A value inherited
 * from {@code global} by several bake entries is reported once: problems are deduplicated.
 */
public final class Problems {

    private final Set<Problem> errors = new LinkedHashSet<>();
    private final Set<Problem> warnings = new LinkedHashSet<>();
    private final Set<Location> spoiled = new java.util.HashSet<>();

    public void error(YamlNode at, String message) {
        if (!spoiled.contains(at.location())) {
            errors.add(problem(at, message));
        }
    }

    /**
     * An error that makes the value meaningless (a failed interpolation): what later phases find in
     * the same value follows from it and is not reported.
     */
    public void spoiled(YamlNode at, String message) {
        errors.add(problem(at, message));
        spoiled.add(at.location());
    }

    /** An error about a key itself (unknown, misplaced), located where the key was written. */
    public void keyError(YamlNode.Mapping block, String key, String message) {
        Location at = block.keyLocation(key);
        errors.add(new Problem(at.file(), block.get(key).path(), at.line(), at.column(), message));
    }

    /** A problem with no place in a file, e.g. about the request itself. */
    public void error(Problem problem) {
        errors.add(problem);
    }

    public void warn(YamlNode at, String message) {
        warnings.add(problem(at, message));
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** Throws when any error was found; call at the end of each phase. */
    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw new BakeryConfigException(new ArrayList<>(errors), new ArrayList<>(warnings));
        }
    }

    public List<Problem> warnings() {
        return List.copyOf(warnings);
    }

    static Problem problem(YamlNode at, String message) {
        return new Problem(at.location().file(), at.path(), at.location().line(), at.location().column(), message);
    }
}
