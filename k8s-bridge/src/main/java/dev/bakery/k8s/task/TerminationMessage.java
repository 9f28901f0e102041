package dev.bakery.k8s.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.core.status.TaskResult;
import dev.bakery.core.status.TaskStatus;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the agent's result from its container's termination message, the JSON the agent's
 * {@code TerminationLogSink} writes: {@code {status, imageDigest, pushed, exitCode, startedAt,
 * finishedAt, error, interrupted}}.
 */
public final class TerminationMessage {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TerminationMessage() {
    }

    /** @return empty when the container left no result (crashed, killed before it wrote one) */
    public static Optional<TaskResult> parse(String message) {
        if (message == null || message.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode doc = JSON.readTree(message);
            TaskStatus status = TaskStatus.valueOf(doc.path("status").asText());
            List<String> pushed = new ArrayList<>();
            doc.path("pushed").forEach(p -> pushed.add(p.asText()));
            return Optional.of(new TaskResult(status, text(doc, "imageDigest"), pushed, doc.path("exitCode").asInt(),
                    Instant.parse(doc.path("startedAt").asText()), Instant.parse(doc.path("finishedAt").asText()),
                    text(doc, "error"), doc.path("interrupted").asBoolean()));
        } catch (IOException | RuntimeException notAResult) {
            return Optional.empty();
        }
    }

    private static String text(JsonNode doc, String field) {
        JsonNode value = doc.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
