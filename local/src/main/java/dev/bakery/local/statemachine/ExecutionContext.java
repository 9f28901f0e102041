package dev.bakery.local.statemachine;

import java.time.Duration;
import java.util.Optional;

/** What a {@link TaskHandler} knows about the call it answers, and how it reports progress. */
public interface ExecutionContext {

    /** The execution's name (Bakery's build id). */
    String executionName();

    /**
     * The state's {@code TimeoutSeconds} (or {@code TimeoutSecondsPath}, resolved): when it passes, the
     * state fails with {@code States.Timeout} and the handler is interrupted. Empty when the state sets none.
     */
    Optional<Duration> timeout();

    /** The state's {@code HeartbeatSeconds}, if any: see {@link #heartbeat()}. */
    Optional<Duration> heartbeatTimeout();

    /**
     * Resets the heartbeat clock, as SendTaskHeartbeat does in AWS: a state with {@code HeartbeatSeconds}
     * fails with {@code States.HeartbeatTimeout} (and its handler is interrupted) when a handler stays
     * silent longer.
     */
    void heartbeat();
}
