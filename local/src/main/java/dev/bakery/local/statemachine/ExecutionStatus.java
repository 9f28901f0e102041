package dev.bakery.local.statemachine;

/** How an execution ended, with Step Functions' names. */
public enum ExecutionStatus {
    SUCCEEDED, FAILED, TIMED_OUT, ABORTED
}
