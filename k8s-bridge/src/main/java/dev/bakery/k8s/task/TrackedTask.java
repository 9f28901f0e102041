package dev.bakery.k8s.task;

import dev.bakery.core.log.LogStreams;
import java.util.Objects;

/**
 * A task the bridge answers for: its token and the Job that runs it. Everything here is also in the
 * Job's labels and annotations, so a restarted bridge rebuilds it from the Job alone.
 *
 * @param container the agent's container name in the Job's pod
 */
public record TrackedTask(String token, String buildId, String taskId, String jobName, String container) {

    public TrackedTask {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(buildId, "buildId");
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(jobName, "jobName");
        Objects.requireNonNull(container, "container");
    }

    /** The task's CloudWatch Logs stream in the build log group. */
    public String logStream() {
        return LogStreams.k8s(buildId, jobName);
    }

    @Override
    public String toString() {
        // Never the token: it completes the task for whoever holds it.
        return "task " + taskId + " of build " + buildId + " (Job " + jobName + ")";
    }
}
