package dev.bakery.k8s.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The bridge's clockwork; tests shrink it to milliseconds.
 *
 * @param heartbeat          between two SendTaskHeartbeat calls of a task (keep it well under the state's HeartbeatSeconds)
 * @param poll               between two looks at a task's Job, pod and log
 * @param unschedulableAfter how long a pod may stay unschedulable (waiting for a node to be added) before its task fails
 * @param presignedUrl       how long the agent's presigned context URL is valid
 */
public record Timing(Duration heartbeat, Duration poll, Duration unschedulableAfter, Duration presignedUrl) {

    public static final Timing DEFAULT = new Timing(Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMinutes(5),
            Duration.ofHours(1));

    public Timing {
        for (Duration d : new Duration[] {heartbeat, poll, unschedulableAfter, presignedUrl}) {
            if (Objects.requireNonNull(d, "duration").isNegative() || d.isZero()) {
                throw new IllegalArgumentException("durations must be positive, not " + d);
            }
        }
    }
}
