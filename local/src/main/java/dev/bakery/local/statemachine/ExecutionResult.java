package dev.bakery.local.statemachine;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The end of one execution.
 *
 * @param output the execution's output when it SUCCEEDED, else null
 * @param error  the error name when it FAILED or TIMED_OUT (e.g. {@code States.Runtime}), else null
 * @param cause  the explanation that goes with {@code error}, else null
 */
public record ExecutionResult(String name, ExecutionStatus status, JsonNode output, String error, String cause) {
}
