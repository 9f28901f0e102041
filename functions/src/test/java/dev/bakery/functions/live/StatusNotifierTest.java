package dev.bakery.functions.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import dev.bakery.core.live.LiveMessage;
import dev.bakery.core.live.LiveMessage.DoneTask;
import dev.bakery.core.live.LiveMessage.Status;
import dev.bakery.core.live.LiveMessages;
import dev.bakery.store.BakeryTable;
import dev.bakery.store.BuildRecord;
import dev.bakery.core.status.BuildStatus;
import dev.bakery.store.BuildStore;
import dev.bakery.store.IdempotencyRecord;
import dev.bakery.store.TaskRecord;
import dev.bakery.core.status.TaskResult;
import dev.bakery.core.status.TaskStatus;
import dev.bakery.store.testing.Agents;
import dev.bakery.store.testing.LocalDynamo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The notifier on stream records built from real items: writes go through {@link BuildStore} into
 * dynalite, each changed item's old and new image is read back from it (dynalite has no Streams
 * API), and the messages each subscriber gets are checked.
 */
public class StatusNotifierTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final String AMD_DIGEST = "sha256:" + "a".repeat(64);
    private static final String ARM_DIGEST = "sha256:" + "b".repeat(64);
    private static final String INDEX_DIGEST = "sha256:" + "c".repeat(64);

    private LocalDynamo dynamo;
    private BuildStore store;
    private InMemorySubscriptions subscriptions;
    private RecordingPoster poster;
    private StatusNotifier notifier;

    @BeforeEach
    void start() {
        // One engine per test: each reads every change from the first.
        dynamo = LocalDynamo.start();
        // cancelTasks stamps finishedAt with the store's clock.
        store = new BuildStore(dynamo.client(), LocalDynamo.TABLE, Clock.fixed(T0.plusSeconds(90), ZoneOffset.UTC));
        subscriptions = new InMemorySubscriptions();
        poster = new RecordingPoster();
        notifier = new StatusNotifier(subscriptions, poster, store);
    }

    @AfterEach
    void stop() {
        dynamo.close();
    }

    @Test
    void aBuildThatSucceedsSendsEveryStatusThenDoneWithDurations() {
        create("b-ok", new IdempotencyRecord("arn:aws:iam::1:user/ci", "key-1", "hash", "b-ok"));
        subscriptions.subscribe("b-ok", "c1", T0);
        subscriptions.subscribe("b-ok", "c2", T0);
        subscriptions.subscribe("b-other", "c3", T0);
        // Items of other kinds, as the WebSocket handlers write them: no message.
        put(Map.of(BakeryTable.PK, s("CONN#c1"), BakeryTable.SK, s(BakeryTable.META), "principal", s("arn:aws:iam::1:user/ci")));
        put(Map.of(BakeryTable.PK, s(BakeryTable.buildKey("b-ok")), BakeryTable.SK, s("SUB#c1"), "connectedAt", s(T0.toString())));
        store.recordExecution("b-ok", "arn:aws:states:eu-west-1:1:execution:bake:b-ok"); // updatedAt only
        assertThat(store.transition("b-ok", Set.of(BuildStatus.QUEUED), BuildStatus.RUNNING, null)).isTrue();
        Agents.finish(store, "b-ok", "amd64", TaskStatus.SUCCEEDED, AMD_DIGEST, null); // 42 s
        store.startTask("b-ok", "arm64", T0.plusSeconds(5), null);
        store.recordResult("b-ok", "arm64", new TaskResult(TaskStatus.SUCCEEDED, ARM_DIGEST, List.of("r/app:1"), 0,
                T0.plusSeconds(5), T0.plusSeconds(65), null, false));
        store.recordIndexDigest("b-ok", INDEX_DIGEST); // no status change
        assertThat(store.transition("b-ok", Set.of(BuildStatus.RUNNING), BuildStatus.SUCCEEDED, null)).isTrue();
        assertThat(store.transition("b-ok", Set.of(BuildStatus.RUNNING), BuildStatus.FAILED, "late")).isFalse();

        List<StreamChange> changes = streamChanges();
        assertThat(changes).extracting(StreamChange::eventName).contains("INSERT", "MODIFY");
        notifier.handle(changes);

        List<LiveMessage> expected = List.of(
                new Status("b-ok", "PENDING", "amd64", "amd64", null),
                new Status("b-ok", "PENDING", "arm64", "arm64", null),
                new Status("b-ok", "QUEUED", null, null, null),
                new Status("b-ok", "RUNNING", null, null, null),
                new Status("b-ok", "RUNNING", "amd64", "amd64", null),
                new Status("b-ok", "SUCCEEDED", "amd64", "amd64", AMD_DIGEST),
                new Status("b-ok", "RUNNING", "arm64", "arm64", null),
                new Status("b-ok", "SUCCEEDED", "arm64", "arm64", ARM_DIGEST),
                new Status("b-ok", "SUCCEEDED", null, null, null),
                new LiveMessage.Done("b-ok", "SUCCEEDED", INDEX_DIGEST, List.of(
                        new DoneTask("amd64", "amd64", AMD_DIGEST, "SUCCEEDED", 42_000L),
                        new DoneTask("arm64", "arm64", ARM_DIGEST, "SUCCEEDED", 60_000L))));
        assertThat(poster.received("c1")).containsExactlyElementsOf(expected);
        assertThat(poster.received("c2")).containsExactlyElementsOf(expected);
        assertThat(poster.received("c3")).isEmpty();
        assertThat(poster.connections()).containsExactly("c1", "c2");
    }

    @Test
    void aCancelledBuildEndsWithDoneAndAGoneConnectionIsUnsubscribed() {
        create("b-cx", null);
        subscriptions.subscribe("b-cx", "c4", T0);
        subscriptions.subscribe("b-cx", "c5", T0);
        poster.gone("c4");
        assertThat(store.transition("b-cx", Set.of(BuildStatus.QUEUED), BuildStatus.RUNNING, null)).isTrue();
        store.startTask("b-cx", "amd64", T0, null);
        store.cancelTasks("b-cx"); // amd64 ran 90 s; arm64 never started
        assertThat(store.transition("b-cx", Set.of(BuildStatus.QUEUED, BuildStatus.RUNNING), BuildStatus.CANCELLED,
                "cancelled by arn:aws:iam::1:user/ci")).isTrue();

        notifier.handle(streamChanges());

        assertThat(poster.received("c5")).containsExactly(
                new Status("b-cx", "PENDING", "amd64", "amd64", null),
                new Status("b-cx", "PENDING", "arm64", "arm64", null),
                new Status("b-cx", "QUEUED", null, null, null),
                new Status("b-cx", "RUNNING", null, null, null),
                new Status("b-cx", "RUNNING", "amd64", "amd64", null),
                new Status("b-cx", "CANCELLED", "amd64", "amd64", null),
                new Status("b-cx", "CANCELLED", "arm64", "arm64", null),
                new Status("b-cx", "CANCELLED", null, null, null),
                new LiveMessage.Done("b-cx", "CANCELLED", null, List.of(
                        new DoneTask("amd64", "amd64", null, "CANCELLED", 90_000L),
                        new DoneTask("arm64", "arm64", null, "CANCELLED", null))));
        // Tried once, with the first message; then unsubscribed and never tried again.
        assertThat(poster.attempts("c4")).isEqualTo(1);
        assertThat(subscriptions.subscribers("b-cx")).containsExactly("c5");
        assertThat(poster.received("c4")).isEmpty();
    }

    @Test
    void writesThatChangeNeitherStatusNorDigestSendNothing() {
        create("b-quiet", null);
        List<StreamChange> creation = streamChanges();
        subscriptions.subscribe("b-quiet", "c1", T0);
        store.recordExecution("b-quiet", "arn:aws:states:eu-west-1:1:execution:bake:b-quiet");
        store.recordIndexDigest("b-quiet", INDEX_DIGEST);

        List<StreamChange> all = streamChanges();
        List<StreamChange> later = all.subList(creation.size(), all.size());
        assertThat(later).hasSize(2).extracting(StreamChange::eventName).containsOnly("MODIFY");
        notifier.handle(later);

        assertThat(poster.connections()).isEmpty();
    }

    private void create(String buildId, IdempotencyRecord idempotency) {
        BuildPlan plan = BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", """
                global:
                  kaniko: {destination: "localhost:5000/web:1"}
                bake: [{arch: amd64}, {arch: arm64}]
                """))).builds().getFirst().plan();
        store.create(BuildRecord.queued(buildId, plan, "contexts/c.tar.gz", "arn:aws:iam::1:user/ci", Map.of(), T0, null),
                plan.tasks().stream().map(t -> TaskRecord.pending(buildId, t.id(), t.arch().key()))
                        .toList(),
                idempotency, T0.plus(Duration.ofDays(1)));
    }

    private void put(Map<String, AttributeValue> item) {
        dynamo.client().putItem(r -> r.tableName(LocalDynamo.TABLE).item(item));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    /**
     * Every item change so far as a stream record would carry it: the old and new images read back
     * from dynalite around each write (dynalite has no Streams API; see LocalDynamo).
     */
    private List<StreamChange> streamChanges() {
        return dynamo.changes().stream().map(c -> new StreamChange(c.eventName(), c.oldImage(), c.newImage())).toList();
    }

    /** Our ConnectionPoster interface, recording each frame (parsed back) per connection; some connections are gone. */
    public static final class RecordingPoster implements ConnectionPoster {
        private final Map<String, List<LiveMessage>> received = new LinkedHashMap<>();
        private final Map<String, Integer> attempts = new LinkedHashMap<>();
        private final Set<String> gone = new LinkedHashSet<>();

        public synchronized void gone(String connectionId) {
            gone.add(connectionId);
        }

        @Override
        public synchronized void post(String connectionId, String text) {
            attempts.merge(connectionId, 1, Integer::sum);
            if (gone.contains(connectionId)) {
                throw new ConnectionGoneException(connectionId);
            }
            received.computeIfAbsent(connectionId, c -> new ArrayList<>()).add(LiveMessages.read(text));
        }

        public synchronized List<LiveMessage> received(String connectionId) {
            return List.copyOf(received.getOrDefault(connectionId, List.of()));
        }

        public synchronized int attempts(String connectionId) {
            return attempts.getOrDefault(connectionId, 0);
        }

        /** Connections that received at least one message, in order of their first. */
        public synchronized List<String> connections() {
            return List.copyOf(received.keySet());
        }
    }
}
