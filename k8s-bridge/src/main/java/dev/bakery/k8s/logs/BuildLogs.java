package dev.bakery.k8s.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.functions.aws.AwsCallException;
import dev.bakery.functions.aws.AwsJsonClient;
import dev.bakery.functions.aws.AwsService;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a task's log lines, unchanged, to its stream in the build log group, where the ECS tasks'
 * lines go too: the log forwarder and {@code GET /builds/{id}/logs} see no difference.
 */
public final class BuildLogs {

    /** PutLogEvents' limits: events per call, bytes per call (each event counts 26 more), bytes per event. */
    static final int MAX_EVENTS = 10_000;
    static final int MAX_BATCH_BYTES = 1_048_576;
    static final int EVENT_OVERHEAD = 26;
    static final int MAX_EVENT_BYTES = 256 * 1024 - EVENT_OVERHEAD;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(BuildLogs.class);

    private final AwsJsonClient client;
    private final String logGroup;

    public BuildLogs(AwsJsonClient client, String logGroup) {
        if (!client.service().equals(AwsService.CLOUDWATCH_LOGS)) {
            throw new IllegalArgumentException("BuildLogs needs a CloudWatch Logs client, not " + client.service());
        }
        this.client = client;
        this.logGroup = logGroup;
    }

    /** Creates the stream; one that exists already (a restarted bridge) is fine. */
    public void createStream(String stream) {
        try {
            client.call("CreateLogStream", request(stream));
        } catch (AwsCallException e) {
            if (!"ResourceAlreadyExistsException".equals(e.errorType())) {
                throw new AwsCallException("cannot create log stream " + stream + " in " + logGroup + " (" + e.awsError() + ")", e);
            }
        }
    }

    /** Sends {@code lines} (in time order) in as few PutLogEvents calls as the limits allow. */
    public void put(String stream, List<LogLine> lines) {
        ArrayNode batch = JSON.createArrayNode();
        long bytes = 0;
        for (LogLine line : lines) {
            String message = fit(line.message());
            int size = message.getBytes(StandardCharsets.UTF_8).length + EVENT_OVERHEAD;
            if (batch.size() == MAX_EVENTS || bytes + size > MAX_BATCH_BYTES) {
                send(stream, batch);
                batch = JSON.createArrayNode();
                bytes = 0;
            }
            batch.addObject().put("timestamp", line.timestamp().toEpochMilli()).put("message", message);
            bytes += size;
        }
        if (!batch.isEmpty()) {
            send(stream, batch);
        }
    }

    /**
     * Where shipping stopped before: the stream's last event and how many events share its
     * millisecond. A stream that does not exist yet means nothing was shipped.
     */
    public LogCursor cursor(String stream) {
        JsonNode last;
        try {
            last = client.call("GetLogEvents", request(stream).put("startFromHead", false).put("limit", 1)).path("events");
        } catch (AwsCallException e) {
            if ("ResourceNotFoundException".equals(e.errorType())) {
                return LogCursor.START;
            }
            throw e;
        }
        if (last.isEmpty()) {
            return LogCursor.START;
        }
        long millis = last.get(0).path("timestamp").asLong();
        JsonNode atLast = client.call("GetLogEvents", request(stream).put("startFromHead", true)
                .put("startTime", millis).put("endTime", millis + 1)).path("events");
        return new LogCursor(millis, Math.max(1, atLast.size()));
    }

    private void send(String stream, ArrayNode batch) {
        ObjectNode request = request(stream);
        request.set("logEvents", batch);
        JsonNode answer = client.call("PutLogEvents", request);
        if (answer.has("rejectedLogEventsInfo")) {
            // The others were stored: sending again would repeat them. Lines days old or from the future only.
            LOG.warn("CloudWatch Logs rejected some events of stream {}: {}", stream, answer.get("rejectedLogEventsInfo"));
        }
    }

    private ObjectNode request(String stream) {
        return JSON.createObjectNode().put("logGroupName", logGroup).put("logStreamName", stream);
    }

    /** A line longer than an event may be is cut (one line of a build log that long is noise anyway). */
    private static String fit(String message) {
        if (message.length() * 4L <= MAX_EVENT_BYTES || message.getBytes(StandardCharsets.UTF_8).length <= MAX_EVENT_BYTES) {
            return message;
        }
        String cut = message.substring(0, MAX_EVENT_BYTES / 4);
        return cut + "...";
    }
}
