package dev.bakery.agent.result;

import dev.bakery.core.status.TaskResult;
import java.io.IOException;
import java.time.Instant;

/** Where the agent reports: the task item in DynamoDB (ECS, local), or the termination log (k8s). */
public interface ResultSink {

    /** The task has started (it becomes RUNNING). */
    void started(Instant at) throws IOException;

    void record(TaskResult result) throws IOException;
}
