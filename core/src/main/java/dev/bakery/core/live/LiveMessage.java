package dev.bakery.core.live;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * What the WebSocket API sends to a subscriber, the one schema shared by the server (Lambda and
 * local mode) and the CLI. Every message is a JSON object with a {@code type}:
 * <ul>
 * <li>{@code log}: lines of a build's agents, each with its store id so a client can drop repeats;</li>
 * <li>{@code status}: the build, or one of its tasks, changed status;</li>
 * <li>{@code done}: the build reached a final state; the last message of a build;</li>
 * <li>{@code error}: a request on the socket was refused.</li>
 * </ul>
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = LiveMessage.Log.class, name = "log"),
    @JsonSubTypes.Type(value = LiveMessage.Status.class, name = "status"),
    @JsonSubTypes.Type(value = LiveMessage.Done.class, name = "done"),
    @JsonSubTypes.Type(value = LiveMessage.Error.class, name = "error")})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface LiveMessage {

    /**
     * One agent log line.
     *
     * @param id CloudWatch's event id (or the local store's), unique per line
     * @param ts the agent's timestamp
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Line(String id, String ts, String taskId, String arch, String step, String level, String msg) {
    }

    /** Several lines of one build, in order. */
    record Log(String buildId, List<Line> lines) implements LiveMessage {
        public Log {
            lines = List.copyOf(lines);
        }
    }

    /**
     * A status change: of the build when {@code taskId} is null, else of that task.
     *
     * @param imageDigest a task's pushed digest, once it has one
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Status(String buildId, String status, String taskId, String arch, String imageDigest) implements LiveMessage {
    }

    /** One task in the final summary. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DoneTask(String taskId, String arch, String digest, String status, Long durationMs) {
    }

    /** The build is over: its final status, the index (if any) and each task. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Done(String buildId, String status, String indexDigest, List<DoneTask> tasks) implements LiveMessage {
        public Done {
            tasks = List.copyOf(tasks);
        }
    }

    /** A refused socket request, e.g. an unknown action or a build that does not exist. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Error(String error, String message) implements LiveMessage {
    }
}
