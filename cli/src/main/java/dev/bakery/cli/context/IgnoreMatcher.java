package dev.bakery.cli.context;

import dev.bakery.core.WorkspacePaths;
import java.util.ArrayList;
import java.util.List;

/**
 * Docker's {@code .dockerignore} decision for one path, as {@code moby/patternmatcher} makes it:
 * patterns apply in order, the last one that matches wins, and a pattern that matches a parent
 * directory matches everything below it. An exception ({@code !...}) is only tried once the path is
 * excluded, an exclusion only while it is not.
 */
final class IgnoreMatcher {

    /** The decision for one path and, per pattern, whether it matched (what its children inherit). */
    record Match(boolean excluded, boolean[] matched) {}

    private final List<IgnorePattern> patterns;

    private IgnoreMatcher(List<IgnorePattern> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    /** Compiles the patterns; the exception names the index of the first bad one. */
    static IgnoreMatcher compile(List<String> lines) throws BadLine {
        List<IgnorePattern> compiled = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (GoPaths.trimSpace(lines.get(i)).isEmpty()) {
                continue;
            }
            try {
                compiled.add(IgnorePattern.compile(lines.get(i)));
            } catch (IgnorePattern.BadPatternException e) {
                throw new BadLine(i, e.getMessage());
            }
        }
        return new IgnoreMatcher(compiled);
    }

    /** A pattern Docker would refuse: its index in the list given to {@link #compile} and why. */
    static final class BadLine extends Exception {
        private static final long serialVersionUID = 1L;
        private final int index;

        BadLine(int index, String reason) {
            super(reason);
            this.index = index;
        }

        int index() {
            return index;
        }
    }

    /**
     * {@code MatchesUsingParentResults}: {@code parent} is what the enclosing directory's match
     * returned, or null for a path at the top of the walk (then every parent directory is tried).
     */
    Match match(String path, Match parent) {
        boolean excluded = false;
        boolean[] matched = new boolean[patterns.size()];
        for (int i = 0; i < patterns.size(); i++) {
            IgnorePattern pattern = patterns.get(i);
            boolean match = parent != null && parent.matched()[i];
            if (!match) {
                if (pattern.exclusion() != excluded) {
                    continue;
                }
                match = pattern.matches(path);
                if (!match && parent == null) {
                    match = matchesAParent(pattern, path);
                }
            }
            matched[i] = match;
            if (match) {
                excluded = !pattern.exclusion();
            }
        }
        return new Match(excluded, matched);
    }

    private static boolean matchesAParent(IgnorePattern pattern, String path) {
        String parent = GoPaths.dir(path);
        if (parent.equals(".")) {
            return false;
        }
        for (int slash = parent.indexOf('/'); ; slash = parent.indexOf('/', slash + 1)) {
            if (pattern.matches(slash < 0 ? parent : parent.substring(0, slash))) {
                return true;
            }
            if (slash < 0) {
                return false;
            }
        }
    }

    /**
     * The deprecated {@code patternmatcher.Matches}, which the Docker CLI still uses to decide whether
     * the Dockerfile and {@code .dockerignore} need an exception: only the parent directory with as
     * many components as the pattern is tried.
     */
    boolean matchesLegacy(String file) {
        file = WorkspacePaths.clean(file);
        if (file.equals(".")) {
            return false;
        }
        String parent = GoPaths.dir(file);
        String[] parentDirs = parent.split("/", -1);
        boolean matched = false;
        for (IgnorePattern pattern : patterns) {
            if (pattern.exclusion() != matched) {
                continue;
            }
            boolean match = pattern.matches(file);
            if (!match && !parent.equals(".") && pattern.depth() <= parentDirs.length) {
                match = pattern.matches(String.join("/", List.of(parentDirs).subList(0, pattern.depth())));
            }
            if (match) {
                matched = !pattern.exclusion();
            }
        }
        return matched;
    }

    /**
     * Whether an excluded directory must still be walked: Docker descends only when an exception's
     * text starts with the directory's path ({@code !dir/keep} under {@code dir}; {@code !*}{@code /keep} does not count).
     */
    boolean exceptionBelow(String directory) {
        String dirSlash = directory + "/";
        for (IgnorePattern pattern : patterns) {
            if (pattern.exclusion() && (pattern.text() + "/").startsWith(dirSlash)) {
                return true;
            }
        }
        return false;
    }
}
