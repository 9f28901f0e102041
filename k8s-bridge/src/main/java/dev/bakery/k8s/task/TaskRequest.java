package dev.bakery.k8s.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * What an activity task asks for: one Map item of the build's execution input
 * ({@code {buildId, taskId, arch, platform: "k8s", cpu, memory, timeoutSeconds, spot, activityArn}}).
 * Only the ids are taken from it: the plan in the build item is the source of the rest (the item's
 * cpu is in ECS units, rounded; the plan keeps what the user asked for).
 */
public record TaskRequest(String buildId, String taskId) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** @throws IllegalArgumentException saying what is missing or wrong */
    public static TaskRequest parse(String input) {
        JsonNode doc;
        try {
            doc = JSON.readTree(input);
        } catch (IOException e) {
            throw new IllegalArgumentException("the activity task input is not JSON");
        }
        if (doc == null || !doc.isObject()) {
            throw new IllegalArgumentException("the activity task input is not a JSON object");
        }
        String platform = doc.path("platform").asText("k8s");
        if (!platform.equals("k8s")) {
            throw new IllegalArgumentException("the activity task is for platform " + platform + ", not k8s");
        }
        return new TaskRequest(text(doc, "buildId"), text(doc, "taskId"));
    }

    private static String text(JsonNode doc, String field) {
        String value = doc.path(field).asText("");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("the activity task input has no " + field);
        }
        return value;
    }
}
