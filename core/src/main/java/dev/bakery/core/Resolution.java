package dev.bakery.core;

import java.util.List;

/**
 * The result of {@link BuildPlanner#plan}: one build per service, and warnings about input that was
 * accepted but has no effect (worth printing, not worth failing for).
 */
public record Resolution(List<PlannedBuild> builds, List<Problem> warnings) {

    public Resolution {
        builds = Copies.list(builds);
        warnings = Copies.list(warnings);
    }
}
