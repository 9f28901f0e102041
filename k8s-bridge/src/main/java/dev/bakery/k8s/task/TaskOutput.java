package dev.bakery.k8s.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.core.status.TaskResult;

/**
 * The activity task's output on success: what the state machine goes on with, as it does with an ECS
 * task's (the ids, the status and the pushed image), plus where it ran.
 */
public final class TaskOutput {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TaskOutput() {
    }

    public static ObjectNode of(TrackedTask task, TaskResult result) {
        ObjectNode output = JSON.createObjectNode()
                .put("buildId", task.buildId())
                .put("taskId", task.taskId())
                .put("platform", "k8s")
                .put("status", result.status().name())
                .put("imageDigest", result.imageDigest())
                .put("exitCode", result.exitCode())
                .put("jobName", task.jobName());
        result.pushed().forEach(output.putArray("pushed")::add);
        return output;
    }
}
