package dev.bakery.local.statemachine;

import java.util.concurrent.CompletableFuture;

/** One execution started by {@link LocalStateMachine#start}. */
public interface RunningExecution {

    String name();

    /** Completes when the execution ends (also when stopped: ABORTED). */
    CompletableFuture<ExecutionResult> done();

    /**
     * Stops the execution as StopExecution does: no further state runs, and the handlers still working
     * for it are interrupted. Does nothing once it ended.
     */
    void stop();
}
