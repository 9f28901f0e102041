package dev.bakery.core;

import dev.bakery.core.internal.resolve.Resolver;

/**
 * The entry point of {@code core}: config.yaml and/or compose text in, one {@link BuildPlan} per
 * service out. Pure: it reads no files and no environment except what the request carries, so the
 * CLI (before submitting) and the server (never trusting the client) can both call it.
 */
public final class BuildPlanner {

    private BuildPlanner() {
    }

    /**
     * @throws BakeryConfigException listing every problem found, each with file, key path, line and column
     */
    public static Resolution plan(PlanRequest request) {
        return Resolver.resolve(request);
    }
}
