package dev.bakery.k8s.activity;

import java.util.Objects;

/**
 * One task handed out by GetActivityTask.
 *
 * @param token the task token: the only handle on the task, for heartbeats and the result
 * @param input the Task state's input, a JSON document (here: one Map item of the build's execution input)
 */
public record ActivityTask(String token, String input) {

    public ActivityTask {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(input, "input");
    }
}
