package dev.bakery.local.logs;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.CloudWatchLogsEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.core.log.AgentLine;
import dev.bakery.functions.builds.LogSource;
import dev.bakery.local.LocalAws;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where agent output goes, as CloudWatch Logs and its subscription would take it: each line is
 * stored in the {@link LogStore} (REST replay), then the lines of a batch are handed to the real log
 * forwarder as a subscription event ({@code awslogs.data}: base64 of gzip of the payload), which
 * posts them to the build's WebSocket subscribers. One thread does both, so lines keep their order.
 *
 * <p>Agent lines are JSON objects with a {@code buildId}; anything else a process prints (a JVM
 * crash, a stray library message) is wrapped into one, so no output is lost and replay and live
 * views show the same lines.
 */
public final class LogPipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogPipeline.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BATCH = 1000;
    private static final Printed STOP = new Printed(null, null, null, 0, false);

    private record Printed(String buildId, String taskId, String text, long timestamp, boolean stderr) {
    }

    private final LogStore store;
    private final RequestHandler<CloudWatchLogsEvent, ?> forwarder;
    private final Clock clock;
    private final BlockingQueue<Printed> queue = new LinkedBlockingQueue<>();
    private final Thread worker;

    public LogPipeline(LogStore store, RequestHandler<CloudWatchLogsEvent, ?> forwarder, Clock clock) {
        this.store = store;
        this.forwarder = forwarder;
        this.clock = clock;
        this.worker = Thread.ofPlatform().name("bakery-logs").daemon().start(this::run);
    }

    /** One line a task's agent process printed (without its line break). */
    public void accept(String buildId, String taskId, String text, boolean stderr) {
        queue.add(new Printed(buildId, taskId, text, clock.millis(), stderr));
    }

    private void run() {
        List<Printed> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            boolean stop = batch.removeIf(p -> p == STOP);
            deliver(batch);
            batch.clear();
            if (stop) {
                return;
            }
        }
    }

    private void deliver(List<Printed> batch) {
        Map<String, List<LogStore.Entry>> byBuild = new LinkedHashMap<>();
        for (Printed printed : batch) {
            byBuild.computeIfAbsent(printed.buildId(), b -> new ArrayList<>())
                    .add(new LogStore.Entry(printed.timestamp(), agentLine(printed)));
        }
        byBuild.forEach((buildId, entries) -> {
            List<LogSource.Line> lines;
            try {
                lines = store.append(buildId, entries);
            } catch (RuntimeException e) {
                LOG.error("cannot store {} log lines of {}", entries.size(), buildId, e);
                return;
            }
            try {
                forwarder.handleRequest(subscriptionEvent(buildId, lines), null);
            } catch (RuntimeException e) {
                // Subscribers miss these lines live; GET /builds/{id}/logs still has them.
                LOG.warn("cannot forward {} log lines of {} to WebSocket subscribers: {}", lines.size(), buildId,
                        e.getMessage());
            }
        });
    }

    /** The text as the agent printed it, or an agent-shaped line carrying it. */
    static String agentLine(String buildId, String taskId, String text, long timestamp, boolean stderr) {
        if (AgentLine.parse(text).filter(line -> buildId.equals(line.buildId())).isPresent()) {
            return text;
        }
        return new AgentLine(java.time.Instant.ofEpochMilli(timestamp).toString(), buildId, taskId, null, "agent",
                stderr ? "warn" : "info", text).toJson();
    }

    private static String agentLine(Printed printed) {
        return agentLine(printed.buildId(), printed.taskId(), printed.text(), printed.timestamp(), printed.stderr());
    }

    /** What a CloudWatch Logs subscription hands its Lambda for these lines. */
    static CloudWatchLogsEvent subscriptionEvent(String buildId, List<LogSource.Line> lines) {
        ObjectNode payload = JSON.createObjectNode();
        payload.put("messageType", "DATA_MESSAGE");
        payload.put("owner", LocalAws.ACCOUNT);
        payload.put("logGroup", "/bakery/local/builds");
        payload.put("logStream", dev.bakery.core.log.LogStreams.local(buildId));
        payload.putArray("subscriptionFilters").add("bakery-local");
        ArrayNode events = payload.putArray("logEvents");
        for (LogSource.Line line : lines) {
            events.addObject().put("id", line.id()).put("timestamp", line.timestamp()).put("message", line.message());
        }
        ByteArrayOutputStream gzip = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gzip)) {
            JSON.writeValue(out, payload);
        } catch (IOException e) {
            throw new UncheckedIOException("gzip into memory cannot fail", e);
        }
        return new CloudWatchLogsEvent().withAwsLogs(new CloudWatchLogsEvent.AWSLogs()
                .withData(Base64.getEncoder().encodeToString(gzip.toByteArray())));
    }

    /** Delivers what was accepted so far, then stops. */
    @Override
    public void close() {
        queue.add(STOP);
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
