package dev.bakery.agent.result;

import dev.bakery.functions.store.BuildStore;
import dev.bakery.functions.store.TaskResult;
import java.time.Instant;

/** Reports to the task item; the store's conditions keep a cancelled task cancelled. */
public final class StoreResultSink implements ResultSink {

    private final BuildStore store;
    private final String buildId;
    private final String taskId;

    public StoreResultSink(BuildStore store, String buildId, String taskId) {
        this.store = store;
        this.buildId = buildId;
        this.taskId = taskId;
    }

    @Override
    public void started(Instant at) {
        store.startTask(buildId, taskId, at);
    }

    @Override
    public void record(TaskResult result) {
        store.recordResult(buildId, taskId, result);
    }
}
