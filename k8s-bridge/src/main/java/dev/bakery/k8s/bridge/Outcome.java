package dev.bakery.k8s.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bakery.core.status.TaskResult;
import dev.bakery.k8s.task.TaskFailure;

/** How a task ended, to be reported: the agent's result (if it left one) for DynamoDB, and the answer for Step Functions. */
sealed interface Outcome {

    /** The agent's result, or null when it left none. */
    TaskResult result();

    record Succeeded(TaskResult result, JsonNode output) implements Outcome {
    }

    record Failed(TaskResult result, TaskFailure failure) implements Outcome {
    }
}
