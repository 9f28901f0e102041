package dev.bakery.core.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.bakery.core.live.LiveMessage;
import java.util.Optional;

/**
 * One line of an agent's output, {@code {ts, buildId, taskId, arch, step, level, msg}}: what the agent
 * prints, what CloudWatch Logs (or the local mode's log store) keeps, and what the log forwarder and
 * the CLI's replay read back. The one definition of that line for writers and readers alike.
 *
 * @param ts    the agent's clock, ISO-8601
 * @param level {@code info}, {@code warn} or {@code error}
 */
public record AgentLine(String ts, String buildId, String taskId, String arch, String step, String level, String msg) {

    /** "{...} trailing" is not an agent line: it would pass otherwise, Jackson reads the first value only. */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    /** The line as printed: one JSON object, no line break. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a log line always serializes", e);
        }
    }

    /**
     * The agent line in {@code text}, or empty when the text is not a JSON object (a line some other
     * process wrote). Fields that are not strings are kept as their JSON text.
     */
    public static Optional<AgentLine> parse(String text) {
        if (text == null || !text.stripLeading().startsWith("{")) {
            return Optional.empty(); // agent lines are objects: no need to parse (and throw) for anything else
        }
        JsonNode line;
        try {
            line = JSON.readTree(text);
        } catch (JsonProcessingException notJson) {
            return Optional.empty();
        }
        if (line == null || !line.isObject()) {
            return Optional.empty();
        }
        return Optional.of(new AgentLine(text(line, "ts"), text(line, "buildId"), text(line, "taskId"), text(line, "arch"),
                text(line, "step"), text(line, "level"), text(line, "msg")));
    }

    /** As the WebSocket API and the CLI show it, under the store's (or CloudWatch's) event id. */
    public LiveMessage.Line live(String eventId) {
        return new LiveMessage.Line(eventId, ts, taskId, arch, step, level, msg);
    }

    private static String text(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }
}
