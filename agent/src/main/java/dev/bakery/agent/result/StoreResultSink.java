package dev.bakery.agent.result;

import dev.bakery.store.BuildStore;
import dev.bakery.core.status.TaskResult;
import java.time.Instant;

/** Reports to the task item; the store's conditions keep a cancelled task cancelled. */
public final class StoreResultSink implements ResultSink {

    private final BuildStore store;
    private final String buildId;
    private final String taskId;
    private final String runner;

    /** @param runner where the agent runs ({@code TaskRecord.runner()}), or null when there is nothing to name */
    public StoreResultSink(BuildStore store, String buildId, String taskId, String runner) {
        this.store = store;
        this.buildId = buildId;
        this.taskId = taskId;
        this.runner = runner;
    }

    @Override
    public void started(Instant at) {
        store.startTask(buildId, taskId, at, runner);
    }

    @Override
    public void record(TaskResult result) {
        store.recordResult(buildId, taskId, result);
    }
}
