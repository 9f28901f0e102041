package dev.bakery.local.statemachine;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Answers the Task states of a {@link LocalStateMachine}: what AWS would do for {@code resource}
 * (an integration such as {@code arn:aws:states:::ecs:runTask.sync}, or an activity ARN), given the
 * state's resolved {@code Parameters}. Called on its own virtual thread, possibly for several states
 * and executions at once.
 */
@FunctionalInterface
public interface TaskHandler {

    /**
     * @return the task's result, as the AWS integration would return it (the state's ResultSelector and
     *         ResultPath apply to it)
     * @throws TaskFailure          the task failed; Retry and Catch match {@link TaskFailure#error()}
     * @throws InterruptedException the execution was stopped, or the state timed out: stop the work
     *                              (the answer is no longer read)
     */
    JsonNode handle(String stateName, String resource, JsonNode parameters, ExecutionContext context)
            throws TaskFailure, InterruptedException;
}
