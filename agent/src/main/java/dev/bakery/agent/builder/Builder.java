package dev.bakery.agent.builder;

import dev.bakery.agent.process.ProcessRunner;
import java.io.IOException;

/**
 * Builds and pushes one task's image. Two implementations turn the same {@link BuildRequest} into
 * their own flags: Kaniko in AWS, buildah on one machine (the local mode).
 */
public interface Builder {

    BuildOutcome build(BuildRequest request, ProcessRunner runner) throws IOException, InterruptedException;
}
