package dev.bakery.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything the control plane needs to run one build (one compose service, or the config's
 * {@code default}): its tasks and, when several images are pushed, the index that joins them.
 * Holds no secret values, so it can travel through Step Functions, DynamoDB and logs.
 *
 * @param service the compose service name, or {@code default}
 * @param tasks   one per architecture entry, in the order written
 * @param index   the multi-arch index, or null for a single image
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BuildPlan(String service, List<BuildTask> tasks, IndexPlan index) {

    public static final String DEFAULT_SERVICE = "default";

    public BuildPlan {
        if (service == null || service.isBlank()) {
            throw new IllegalArgumentException("a plan needs a service name");
        }
        tasks = Copies.list(tasks);
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("a plan needs at least one task");
        }
        Set<String> ids = new HashSet<>();
        for (BuildTask task : tasks) {
            if (!ids.add(task.id())) {
                throw new IllegalArgumentException("task id \"" + task.id() + "\" appears twice");
            }
        }
        if (index != null && !ids.containsAll(index.taskIds())) {
            throw new IllegalArgumentException("the index lists tasks the plan does not have: " + index.taskIds());
        }
    }

    public BuildTask task(String id) {
        return tasks.stream().filter(t -> t.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no task " + id + " in plan " + service));
    }
}
