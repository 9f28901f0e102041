package dev.bakery.k8s.logs;

import dev.bakery.aws.AwsErrors;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.PutLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

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
    private static final Logger LOG = LoggerFactory.getLogger(BuildLogs.class);

    private final CloudWatchLogsClient client;
    private final String logGroup;

    public BuildLogs(CloudWatchLogsClient client, String logGroup) {
        this.client = Objects.requireNonNull(client, "client");
        this.logGroup = logGroup;
    }

    /** Creates the stream; one that exists already (a restarted bridge) is fine. */
    public void createStream(String stream) {
        try {
            client.createLogStream(r -> r.logGroupName(logGroup).logStreamName(stream));
        } catch (ResourceAlreadyExistsException e) {
            // created by an earlier run of the bridge
        } catch (SdkException e) {
            throw AwsErrors.reword(e, "cannot create log stream " + stream + " in " + logGroup + " (" + AwsErrors.describe(e) + ")");
        }
    }

    /** Sends {@code lines} (in time order) in as few PutLogEvents calls as the limits allow. */
    public void put(String stream, List<LogLine> lines) {
        List<InputLogEvent> batch = new ArrayList<>();
        long bytes = 0;
        for (LogLine line : lines) {
            String message = fit(line.message());
            int size = message.getBytes(StandardCharsets.UTF_8).length + EVENT_OVERHEAD;
            if (batch.size() == MAX_EVENTS || bytes + size > MAX_BATCH_BYTES) {
                send(stream, batch);
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(InputLogEvent.builder().timestamp(line.timestamp().toEpochMilli()).message(message).build());
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
        List<OutputLogEvent> last;
        try {
            last = client.getLogEvents(r -> r.logGroupName(logGroup).logStreamName(stream).startFromHead(false).limit(1)).events();
        } catch (ResourceNotFoundException e) {
            return LogCursor.START;
        }
        if (last.isEmpty()) {
            return LogCursor.START;
        }
        long millis = last.get(0).timestamp();
        List<OutputLogEvent> atLast = client.getLogEvents(r -> r.logGroupName(logGroup).logStreamName(stream)
                .startFromHead(true).startTime(millis).endTime(millis + 1)).events();
        return new LogCursor(millis, Math.max(1, atLast.size()));
    }

    private void send(String stream, List<InputLogEvent> batch) {
        PutLogEventsResponse answer = client.putLogEvents(r -> r.logGroupName(logGroup).logStreamName(stream).logEvents(batch));
        if (answer.rejectedLogEventsInfo() != null) {
            // The others were stored: sending again would repeat them. Lines days old or from the future only.
            LOG.warn("CloudWatch Logs rejected some events of stream {}: {}", stream, answer.rejectedLogEventsInfo());
        }
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
