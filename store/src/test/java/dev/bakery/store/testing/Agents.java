package dev.bakery.store.testing;

import dev.bakery.store.BuildStore;
import dev.bakery.core.status.TaskResult;
import dev.bakery.core.status.TaskStatus;
import java.time.Instant;
import java.util.List;

/** Plays a task's agent towards the store: start, then report how it ended. */
public final class Agents {

    private Agents() {
    }

    public static boolean finish(BuildStore store, String buildId, String taskId, TaskStatus status, String digest,
            String error) {
        Instant started = Instant.parse("2026-11-22T10:00:00Z");
        store.startTask(buildId, taskId, started, null);
        return store.recordResult(buildId, taskId, new TaskResult(status, digest, List.of(), status == TaskStatus.SUCCEEDED ? 0 : 1,
                started, started.plusSeconds(42), error, false));
    }
}
