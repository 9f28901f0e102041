package dev.bakery.core.status;

import java.time.Instant;
import java.util.List;

/**
 * How a task ended, as its agent reports it.
 *
 * @param imageDigest the pushed manifest digest, or null (failed, or no-push)
 * @param pushed      every reference the image was pushed to
 * @param exitCode    the builder's exit code (or the failing step's)
 * @param error       the line that explains a failure, or null
 * @param interrupted whether a SIGTERM (Spot interruption, cancel) stopped it
 */
public record TaskResult(TaskStatus status, String imageDigest, List<String> pushed, int exitCode, Instant startedAt,
        Instant finishedAt, String error, boolean interrupted) {

    public TaskResult {
        if (!status.isFinal()) {
            throw new IllegalArgumentException("a result needs a final status, not " + status);
        }
        pushed = pushed == null ? List.of() : List.copyOf(pushed);
    }
}
