package dev.bakery.agent.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.core.BuildPlan;
import dev.bakery.core.PlanJson;
import dev.bakery.store.BuildRecord;
import dev.bakery.store.BuildStore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads the task spec: from the build item in ECS, from a JSON file the bridge mounts on k8s. */
public final class TaskSpecs {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TaskSpecs() {
    }

    public static TaskSpec fromStore(BuildStore store, String bucket, String buildId, String taskId) {
        BuildRecord build = store.build(buildId)
                .orElseThrow(() -> new IllegalStateException("build " + buildId + " does not exist"));
        return new TaskSpec(buildId, taskId, build.plan().task(taskId), bucket, build.contextKey(), null, null);
    }

    /**
     * {@code {"buildId", "taskId", "plan": {...}, "contextKey", "contextUrl", "contextDeleteUrl"?}}; the plan is
     * re-validated on read.
     */
    public static TaskSpec fromFile(Path file) throws IOException {
        JsonNode spec = JSON.readTree(Files.readString(file));
        String buildId = required(spec, "buildId", file);
        String taskId = required(spec, "taskId", file);
        BuildPlan plan = PlanJson.read(file.toString(), spec.path("plan").toString());
        String delete = spec.path("contextDeleteUrl").asText("");
        return new TaskSpec(buildId, taskId, plan.task(taskId), null, required(spec, "contextKey", file),
                URI.create(required(spec, "contextUrl", file)), delete.isEmpty() ? null : URI.create(delete));
    }

    private static String required(JsonNode spec, String field, Path file) {
        String value = spec.path(field).asText("");
        if (value.isEmpty()) {
            throw new IllegalArgumentException(file + ": the task spec has no " + field);
        }
        return value;
    }
}
