package dev.bakery.functions.index;

import dev.bakery.registry.index.IndexPublisher;

import dev.bakery.core.BuildTask;
import dev.bakery.core.ImageReference;
import dev.bakery.core.IndexPlan;
import dev.bakery.registry.RegistryClient;
import dev.bakery.store.BuildRecord;
import dev.bakery.store.BuildStore;
import dev.bakery.store.TaskRecord;
import dev.bakery.core.status.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The "Publish multi-arch index" step: reads what each task pushed from the build's task items,
 * publishes the index of the build's plan, and records its digest on the build item. Children are
 * named by the digest their task recorded, not by tag, so a tag moved meanwhile cannot slip a
 * different image into the index.
 */
public final class IndexPublication {

    private final BuildStore store;
    private final Function<BuildRecord, RegistryClient> registries;

    /**
     * @param registries a registry client logged in with the build's credentials
     */
    public IndexPublication(BuildStore store, Function<BuildRecord, RegistryClient> registries) {
        this.store = store;
        this.registries = registries;
    }

    /** The published index, or empty when the build's plan has none (a single image). */
    public Optional<IndexPublisher.Published> publish(String buildId) {
        BuildRecord build = store.build(buildId)
                .orElseThrow(() -> new IllegalArgumentException("build " + buildId + " does not exist"));
        IndexPlan index = build.plan().index();
        if (index == null) {
            return Optional.empty();
        }
        Map<String, TaskRecord> tasks = store.tasks(buildId).stream()
                .collect(Collectors.toMap(TaskRecord::taskId, Function.identity()));
        List<IndexPublisher.Child> children = new ArrayList<>();
        for (String taskId : index.taskIds()) {
            TaskRecord task = tasks.get(taskId);
            if (task == null || task.status() != TaskStatus.SUCCEEDED || task.imageDigest() == null) {
                String state = task == null ? "missing" : task.status() + (task.error() == null ? "" : ": " + task.error());
                throw new IllegalStateException("cannot publish the index of build " + buildId + ": task " + taskId
                        + " has no pushed image (" + state + ")");
            }
            BuildTask planned = build.plan().task(taskId);
            ImageReference pushed = planned.destinations().getFirst();
            children.add(new IndexPublisher.Child(taskId,
                    ImageReference.of(pushed.registry(), pushed.repository(), null, task.imageDigest()),
                    planned.arch(), planned.variant()));
        }
        IndexPublisher.Published published = new IndexPublisher(registries.apply(build)).publish(index, children);
        store.recordIndexDigest(buildId, published.digest());
        return Optional.of(published);
    }
}
