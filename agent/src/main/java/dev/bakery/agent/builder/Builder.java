package dev.bakery.agent.builder;

import dev.bakery.agent.process.ProcessRunner;
import java.io.IOException;

/**
 * Builds and pushes one task's image. Two implementations turn the same {@link BuildRequest} into
 * their own flags: Kaniko in its own container in AWS ({@link KanikoBuilder}), buildah as the agent's
 * child on one machine (the local mode).
 */
public interface Builder {

    BuildOutcome build(BuildRequest request, ProcessRunner runner) throws IOException, InterruptedException;

    /**
     * Whether {@link #build} also runs the task's pre-script before and post-script after (where the
     * build runs, with none of the agent's credentials); otherwise the agent runs them as its children.
     */
    default boolean runsScripts() {
        return false;
    }
}
