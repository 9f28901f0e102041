package dev.bakery.agent.builder;

import dev.bakery.core.ImageReference;
import java.util.List;

/**
 * What a builder did.
 *
 * @param exitCode    0 on success
 * @param digest      the pushed manifest's digest, or null (failure or no-push)
 * @param pushed      every reference the image now has in its registry
 * @param error       the builder's last output line on failure, or null
 * @param interrupted whether a termination stopped it
 */
public record BuildOutcome(int exitCode, String digest, List<ImageReference> pushed, String error, boolean interrupted) {

    public BuildOutcome {
        pushed = List.copyOf(pushed);
    }

    public boolean succeeded() {
        return exitCode == 0 && !interrupted;
    }
}
