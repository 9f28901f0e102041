package dev.bakery.functions.live;

import dev.bakery.core.live.LiveMessage;
import dev.bakery.core.live.LiveMessages;
import dev.bakery.store.BakeryTable;
import dev.bakery.core.status.BuildStatus;
import dev.bakery.store.BuildStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Turns the table's stream into {@link LiveMessage}s for each build's subscribers (DESIGN.md,
 * section Data; issue "Live logs and status over WebSocket"):
 * <ul>
 * <li>a build item ({@code BUILD#<id>}/{@code META}) whose status changed: a build {@code status};</li>
 * <li>a task item ({@code BUILD#<id>}/{@code TASK#<taskId>}) whose status or image digest changed:
 * a task {@code status} with its arch and digest;</li>
 * <li>a build item that moved into a final state: after its {@code status}, a {@code done} with the
 * index digest and every task's arch, digest, status and duration, read from the store.</li>
 * </ul>
 * An INSERT counts as a change from nothing (a new build is QUEUED, its tasks PENDING). Other items
 * (connections, subscriptions, idempotency keys), removals (TTL expiry) and writes that leave status
 * and digest alone (updatedAt, execution ARN, index digest) send nothing. A connection that is gone
 * loses its subscription; any other failure to post to one connection is logged and the others
 * still get the message, so one bad socket never makes the stream retry the whole batch.
 */
public final class StatusNotifier {

    private static final Logger LOG = LoggerFactory.getLogger(StatusNotifier.class);

    private static final String STATUS = "status";
    private static final String ARCH = "arch";
    private static final String IMAGE_DIGEST = "imageDigest";
    private static final String INDEX_DIGEST = "indexDigest";
    private static final String BUILD_PREFIX = BakeryTable.buildKey("");
    private static final String TASK_PREFIX = BakeryTable.taskKey("");
    private static final Set<String> FINAL = Arrays.stream(BuildStatus.values()).filter(BuildStatus::isFinal)
            .map(Enum::name).collect(Collectors.toUnmodifiableSet());

    private final Subscriptions subscriptions;
    private final ConnectionPoster poster;
    private final BuildStore store;

    public StatusNotifier(Subscriptions subscriptions, ConnectionPoster poster, BuildStore store) {
        this.subscriptions = subscriptions;
        this.poster = poster;
        this.store = store;
    }

    /** Sends what the changes mean, in their order, to the subscribers of each build. */
    public void handle(List<StreamChange> changes) {
        // Subscribers are looked up once per build and batch; a gone connection leaves the list.
        Map<String, List<String>> followers = new HashMap<>();
        for (StreamChange change : changes) {
            String buildId = buildId(change);
            if (buildId == null) {
                continue;
            }
            List<LiveMessage> messages = messages(buildId, change);
            if (messages.isEmpty()) {
                continue;
            }
            List<String> connections = followers.computeIfAbsent(buildId,
                    id -> new ArrayList<>(subscriptions.subscribers(id)));
            for (LiveMessage message : messages) {
                send(buildId, connections, LiveMessages.write(message));
            }
        }
    }

    /** The build a change is about, or null for an item that is not a build's (or a removal). */
    private static String buildId(StreamChange change) {
        if (StreamChange.REMOVE.equals(change.eventName())) {
            return null;
        }
        String pk = text(change.newImage(), BakeryTable.PK);
        return pk != null && pk.startsWith(BUILD_PREFIX) && pk.length() > BUILD_PREFIX.length()
                ? pk.substring(BUILD_PREFIX.length()) : null;
    }

    private List<LiveMessage> messages(String buildId, StreamChange change) {
        String sk = text(change.newImage(), BakeryTable.SK);
        String status = text(change.newImage(), STATUS);
        String before = text(change.oldImage(), STATUS);
        if (sk == null || status == null) {
            return List.of();
        }
        if (sk.equals(BakeryTable.META)) {
            if (status.equals(before)) {
                return List.of();
            }
            LiveMessage changed = new LiveMessage.Status(buildId, status, null, null, null);
            if (FINAL.contains(status) && (before == null || !FINAL.contains(before))) {
                return List.of(changed, done(buildId, status, text(change.newImage(), INDEX_DIGEST)));
            }
            return List.of(changed);
        }
        if (sk.startsWith(TASK_PREFIX)) {
            String digest = text(change.newImage(), IMAGE_DIGEST);
            if (status.equals(before) && Objects.equals(digest, text(change.oldImage(), IMAGE_DIGEST))) {
                return List.of();
            }
            return List.of(new LiveMessage.Status(buildId, status, sk.substring(TASK_PREFIX.length()),
                    text(change.newImage(), ARCH), digest));
        }
        return List.of(); // a subscription (SUB#...) or anything else under the build
    }

    private LiveMessage.Done done(String buildId, String status, String indexDigest) {
        List<LiveMessage.DoneTask> tasks = store.timedTasks(buildId).stream().map(timed -> new LiveMessage.DoneTask(
                timed.task().taskId(), timed.task().arch(), timed.task().imageDigest(), timed.task().status().name(),
                timed.startedAt() == null || timed.finishedAt() == null ? null
                        : Duration.between(timed.startedAt(), timed.finishedAt()).toMillis())).toList();
        return new LiveMessage.Done(buildId, status, indexDigest, tasks);
    }

    private void send(String buildId, List<String> connections, String text) {
        for (var it = connections.iterator(); it.hasNext();) {
            String connectionId = it.next();
            try {
                poster.post(connectionId, text);
            } catch (ConnectionGoneException e) {
                LOG.info("connection {} is gone: unsubscribing it from build {}", connectionId, buildId);
                subscriptions.unsubscribe(buildId, connectionId);
                it.remove();
            } catch (RuntimeException e) {
                LOG.warn("could not post a status of build {} to connection {}", buildId, connectionId, e);
            }
        }
    }

    private static String text(Map<String, AttributeValue> image, String name) {
        AttributeValue value = image.get(name);
        return value == null ? null : value.s();
    }
}
