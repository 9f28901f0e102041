package dev.bakery.cli.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.functions.aws.LogEvents;
import dev.bakery.functions.live.LogForwarder;
import dev.bakery.functions.live.StatusNotifier;
import dev.bakery.functions.live.StreamChange;
import dev.bakery.core.status.BuildStatus;
import dev.bakery.core.status.TaskResult;
import dev.bakery.core.status.TaskStatus;
import dev.bakery.functions.testing.ApiHarness;
import dev.bakery.testing.Await;
import dev.bakery.store.testing.LocalDynamo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPOutputStream;

/**
 * Plays what happens in AWS after a submission, through the real code paths: the state machine's
 * status writes and each agent's result go to the build store, whose DynamoDB stream a background
 * pump feeds to the real {@link StatusNotifier}; each agent line is stored in the (loopback)
 * CloudWatch Logs group and its subscription payload handed to the real {@link LogForwarder}.
 */
public final class AgentPlay implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LoopbackBakery bakery;
    private final LogForwarder forwarder;
    private final StatusNotifier notifier;
    private final LogEvents logs;
    private int seen;
    private final Set<String> forwarded = new HashSet<>();
    private final Thread pump;
    private volatile boolean running = true;

    public AgentPlay(LoopbackBakery bakery) {
        this.bakery = bakery;
        this.forwarder = new LogForwarder(bakery.subscriptions, bakery.poster());
        this.notifier = new StatusNotifier(bakery.subscriptions, bakery.poster(), bakery.harness.store);
        this.logs = new LogEvents(bakery.harness.aws.logs(ApiHarness.REGION));
        pumpChanges(); // what is already in the table is not news
        pump = Thread.ofPlatform().daemon().name("stream-pump").start(() -> {
            while (running) {
                try {
                    notifier.handle(pumpChanges());
                    Thread.sleep(25);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // the stream of a closing engine; the next round tells
                }
            }
        });
    }

    /** The builds submitted so far (their executions' names), to tell a new one from. */
    public Set<String> builds() {
        return bakery.harness.aws.executions().stream().map(e -> e.name()).collect(java.util.stream.Collectors.toSet());
    }

    /** The id of the build submitted since {@code before}, once there is one. */
    public String awaitSubmitted(Set<String> before) {
        await(() -> !difference(before).isEmpty(), "a build submission");
        return difference(before).getFirst();
    }

    private List<String> difference(Set<String> before) {
        return builds().stream().filter(b -> !before.contains(b)).toList();
    }

    public void awaitSubscribed(String buildId) {
        await(() -> !bakery.subscriptions.subscribers(buildId).isEmpty(), "a subscription to " + buildId);
    }

    public static final String FARGATE_TASKS = "arn:aws:ecs:us-east-1:111122223333:task/bakery/";

    /** The state machine's first state. */
    public void running(String buildId) {
        bakery.harness.store.transition(buildId, Set.of(BuildStatus.QUEUED), BuildStatus.RUNNING, null);
    }

    /** An agent starting on Fargate: the task item names its ECS task from then on. */
    public void startTask(String buildId, String taskId) {
        bakery.harness.store.startTask(buildId, taskId, Instant.now(), FARGATE_TASKS + taskId);
    }

    /**
     * One agent line: stored in the log group, then delivered by the log subscription.
     *
     * @return its CloudWatch event id
     */
    public synchronized String line(String buildId, String taskId, String arch, String step, String msg) {
        ObjectNode line = JSON.createObjectNode().put("ts", Instant.now().toString()).put("buildId", buildId)
                .put("taskId", taskId).put("arch", arch).put("step", step).put("level", "info").put("msg", msg);
        String stream = "agent/" + taskId + "/" + buildId;
        bakery.harness.aws.logEvent(ApiHarness.LOG_GROUP, stream, System.currentTimeMillis(), line.toString());
        List<LogEvents.Event> fresh = new ArrayList<>();
        String next = null;
        do {
            LogEvents.Page page = logs.filterByBuild(ApiHarness.LOG_GROUP, buildId, 0, next, LogEvents.MAX_LIMIT);
            page.events().stream().filter(e -> forwarded.add(e.eventId())).forEach(fresh::add);
            next = page.nextToken();
        } while (next != null);
        forwarder.forward(payload(stream, fresh));
        return fresh.getLast().eventId();
    }

    public void finishTask(String buildId, String taskId, TaskStatus status, String digest) {
        Instant now = Instant.now();
        bakery.harness.store.recordResult(buildId, taskId, new TaskResult(status, digest, List.of(),
                status == TaskStatus.SUCCEEDED ? 0 : 1, now.minusSeconds(42), now, status == TaskStatus.SUCCEEDED ? null : "exit code 1", false));
    }

    /** The state machine's end: index digest (if any), then the build's final status. */
    public void finishBuild(String buildId, BuildStatus status, String indexDigest) {
        if (indexDigest != null) {
            bakery.harness.store.recordIndexDigest(buildId, indexDigest);
        }
        bakery.harness.store.transition(buildId, Set.of(BuildStatus.RUNNING), status, status == BuildStatus.SUCCEEDED ? null : "a task failed");
    }

    @Override
    public void close() {
        running = false;
        pump.interrupt();
        try {
            pump.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void await(BooleanSupplier condition, String what) {
        Await.until(Duration.ofSeconds(20), condition, what);
    }

    /** The table's item changes since the last call, as stream records (LocalDynamo records them). */
    private synchronized List<StreamChange> pumpChanges() {
        var all = bakery.harness.dynamo.changes();
        List<StreamChange> changes = all.subList(seen, all.size()).stream()
                .map(c -> new StreamChange(c.eventName(), c.oldImage(), c.newImage())).toList();
        seen = all.size();
        return changes;
    }

    /** CloudWatch Logs' subscription payload: base64 of gzip of the DATA_MESSAGE JSON. */
    private static String payload(String stream, List<LogEvents.Event> events) {
        ObjectNode message = JSON.createObjectNode().put("messageType", "DATA_MESSAGE").put("owner", "111122223333")
                .put("logGroup", ApiHarness.LOG_GROUP).put("logStream", stream);
        message.putArray("subscriptionFilters").add("bakery-live");
        ArrayNode array = message.putArray("logEvents");
        events.forEach(e -> array.addObject().put("id", e.eventId()).put("timestamp", e.timestamp()).put("message", e.message()));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(message.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }
}
