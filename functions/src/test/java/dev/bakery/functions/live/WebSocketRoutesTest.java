package dev.bakery.functions.live;

import dev.bakery.functions.builds.Ownership;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import dev.bakery.core.live.LiveMessage;
import dev.bakery.core.live.LiveMessages;
import dev.bakery.store.BuildRecord;
import dev.bakery.core.status.BuildStatus;
import dev.bakery.store.BuildStore;
import dev.bakery.store.TaskRecord;
import dev.bakery.core.status.TaskResult;
import dev.bakery.core.status.TaskStatus;
import dev.bakery.store.testing.Builds;
import dev.bakery.store.testing.LocalDynamo;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The WebSocket routes over dynalite: every message gets one answer, never silence. */
class WebSocketRoutesTest {

    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    static final String PRINCIPAL = "arn:aws:iam::123456789012:user/ci";
    static final String DIGEST_AMD64 = "sha256:" + "a".repeat(64);
    static final String DIGEST_ARM64 = "sha256:" + "b".repeat(64);
    static final String INDEX = "sha256:" + "c".repeat(64);

    private static LocalDynamo dynamo;
    private static BuildStore store;
    private static DynamoSubscriptions subscriptions;
    private static WebSocketRoutes routes;

    @BeforeAll
    static void start() {
        dynamo = LocalDynamo.start();
        Clock clock = Clock.fixed(T0.plusSeconds(120), ZoneOffset.UTC);
        store = new BuildStore(dynamo.client(), LocalDynamo.TABLE, clock);
        subscriptions = new DynamoSubscriptions(dynamo.client(), LocalDynamo.TABLE, clock);
        routes = new WebSocketRoutes(subscriptions, store, new Ownership(List.of()), clock);
    }

    @AfterAll
    static void stop() {
        dynamo.close();
    }

    /** A two-architecture build, QUEUED. */
    static void queued(BuildStore store, String buildId) {
        BuildPlan plan = BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml",
                "global: {kaniko: {destination: \"localhost:5000/app:1\"}}\nbake: [{arch: amd64}, {arch: arm64}]")))
                .builds().getFirst().plan();
        Builds.create(store, BuildRecord.queued(buildId, plan, "contexts/c.tar.gz", PRINCIPAL, Map.of(), T0, null),
                List.of(TaskRecord.pending(buildId, "amd64", "amd64"),
                        TaskRecord.pending(buildId, "arm64", "arm64")));
    }

    static void running(BuildStore store, String buildId) {
        queued(store, buildId);
        assertThat(store.transition(buildId, Set.of(BuildStatus.QUEUED), BuildStatus.RUNNING, null)).isTrue();
        store.startTask(buildId, "amd64", T0.plusSeconds(10), null);
    }

    /** amd64 pushed, arm64 failed, the build FAILED with an index of what was pushed. */
    static void finished(BuildStore store, String buildId) {
        running(store, buildId);
        store.startTask(buildId, "arm64", T0.plusSeconds(10), null);
        store.recordResult(buildId, "amd64", new TaskResult(TaskStatus.SUCCEEDED, DIGEST_AMD64,
                List.of("localhost:5000/app:1"), 0, T0.plusSeconds(10), T0.plusSeconds(70), null, false));
        store.recordResult(buildId, "arm64", new TaskResult(TaskStatus.FAILED, null, List.of(), 1,
                T0.plusSeconds(10), T0.plusSeconds(40), "exit 1", false));
        store.recordIndexDigest(buildId, INDEX);
        assertThat(store.transition(buildId, Set.of(BuildStatus.RUNNING), BuildStatus.FAILED, "arm64 failed")).isTrue();
    }

    private static String connected(String connectionId) {
        routes.connect(connectionId, PRINCIPAL);
        return connectionId;
    }

    private static LiveMessage.Error error(LiveMessage message) {
        assertThat(message).isInstanceOf(LiveMessage.Error.class);
        // every answer is a valid frame of the shared schema
        assertThat(LiveMessages.read(LiveMessages.write(message))).isEqualTo(message);
        return (LiveMessage.Error) message;
    }

    @Test
    void subscribingToARunningBuildAnswersItsStatusAndSubscribes() {
        String build = "b-20261122T100000-running1";
        running(store, build);
        String connection = connected("c-run");

        LiveMessage answer = routes.message(connection, "{\"action\":\"subscribe\",\"buildId\":\"" + build + "\"}");

        assertThat(answer).isEqualTo(new LiveMessage.Status(build, "RUNNING", null, null, null));
        assertThat(LiveMessages.write(answer)).isEqualTo("{\"type\":\"status\",\"buildId\":\"" + build + "\",\"status\":\"RUNNING\"}");
        assertThat(subscriptions.subscribers(build)).containsExactly(connection);
    }

    @Test
    void subscribingToAQueuedBuildWithSinceAnswersQueued() {
        String build = "b-20261122T100000-queued01-web";
        queued(store, build);
        String connection = connected("c-queued");

        assertThat(routes.message(connection, "{\"action\":\"subscribe\",\"buildId\":\"" + build
                + "\",\"since\":\"2026-11-22T10:00:30Z\"}")).isEqualTo(new LiveMessage.Status(build, "QUEUED", null, null, null));
        assertThat(routes.message(connection, "{\"action\":\"subscribe\",\"buildId\":\"" + build
                + "\",\"since\":1795341630000}")).isEqualTo(new LiveMessage.Status(build, "QUEUED", null, null, null));
        assertThat(subscriptions.subscribers(build)).containsExactly(connection);
    }

    @Test
    void subscribingToAFinishedBuildAnswersTheSummary() {
        String build = "b-20261122T100000-finished";
        finished(store, build);
        String connection = connected("c-done");

        LiveMessage answer = routes.message(connection, "{\"action\":\"subscribe\",\"buildId\":\"" + build + "\"}");

        assertThat(answer).isEqualTo(new LiveMessage.Done(build, "FAILED", INDEX, List.of(
                new LiveMessage.DoneTask("amd64", "amd64", DIGEST_AMD64, "SUCCEEDED", 60_000L),
                new LiveMessage.DoneTask("arm64", "arm64", null, "FAILED", 30_000L))));
        assertThat(LiveMessages.read(LiveMessages.write(answer))).isEqualTo(answer);
        // nothing more will be said about it: no subscription is kept
        assertThat(subscriptions.subscribers(build)).isEmpty();
    }

    @Test
    void subscribingToAnUnknownBuildIsAnError() {
        String connection = connected("c-unknown-build");

        assertThat(error(routes.message(connection, "{\"action\":\"subscribe\",\"buildId\":\"b-20261122T100000-nosuchbd\"}")))
                .isEqualTo(new LiveMessage.Error("not_found", "no build b-20261122T100000-nosuchbd"));
        assertThat(subscriptions.subscribers("b-20261122T100000-nosuchbd")).isEmpty();
    }

    @Test
    void aBadBuildIdIsAnError() {
        String connection = connected("c-bad-id");

        assertThat(error(routes.message(connection, "{\"action\":\"subscribe\",\"buildId\":\"../etc/passwd\"}")).error())
                .isEqualTo("invalid_build_id");
        assertThat(error(routes.message(connection, "{\"action\":\"subscribe\",\"buildId\":42}")).error())
                .isEqualTo("invalid_build_id");
        assertThat(error(routes.message(connection, "{\"action\":\"subscribe\",\"buildId\":\"b-" + "x".repeat(80) + "\"}")).error())
                .isEqualTo("invalid_build_id");
        assertThat(error(routes.message(connection, "{\"action\":\"unsubscribe\"}")))
                .isEqualTo(new LiveMessage.Error("missing_build_id",
                        "unsubscribe needs a \"buildId\", e.g. {\"action\":\"unsubscribe\",\"buildId\":\"b-…\"}"));
    }

    @Test
    void aBadSinceIsAnError() {
        String build = "b-20261122T100000-badsince";
        queued(store, build);
        String connection = connected("c-bad-since");

        assertThat(error(routes.message(connection, "{\"action\":\"subscribe\",\"buildId\":\"" + build
                + "\",\"since\":\"yesterday\"}"))).isEqualTo(new LiveMessage.Error("invalid_since",
                        "\"since\" must be epoch milliseconds or an ISO-8601 instant"));
        assertThat(subscriptions.subscribers(build)).isEmpty();
    }

    @Test
    void anUnknownActionIsAnErrorNamingTheActions() {
        String connection = connected("c-unknown-action");

        LiveMessage.Error error = error(routes.message(connection, "{\"action\":\"tail\",\"buildId\":\"b-1\"}"));

        assertThat(error.error()).isEqualTo("unknown_action");
        assertThat(error.message()).startsWith("unknown action \"tail\"; the actions are \"subscribe\"")
                .contains("\"unsubscribe\"");
    }

    @Test
    void aMessageWithoutActionIsAnError() {
        String connection = connected("c-no-action");

        LiveMessage.Error error = error(routes.message(connection, "{\"buildId\":\"b-20261122T100000-running1\"}"));

        assertThat(error.error()).isEqualTo("missing_action");
        assertThat(error.message()).startsWith("the message has no \"action\"; the actions are");
        assertThat(error(routes.message(connection, "{\"action\":7}")).error()).isEqualTo("unknown_action");
    }

    @Test
    void badJsonIsAnError() {
        String connection = connected("c-bad-json");

        LiveMessage.Error error = error(routes.message(connection, "{\"action\":\"subscribe\","));
        assertThat(error.error()).isEqualTo("invalid_json");
        assertThat(error.message()).startsWith("the message is not valid JSON (").contains("the actions are");
        assertThat(error(routes.message(connection, "subscribe b-1")).error()).isEqualTo("invalid_json");
        assertThat(error(routes.message(connection, "[\"subscribe\"]")).message())
                .startsWith("the message must be a JSON object; ");
        assertThat(error(routes.message(connection, "")).message()).startsWith("the message is empty; ");
        assertThat(error(routes.message(connection, null)).error()).isEqualTo("invalid_json");
        assertThat(error(routes.message(connection, "{\"action\":\"" + "x".repeat(5000) + "\"}")).error()).isEqualTo("invalid_json");
    }

    @Test
    void aMessageOnAnUnknownConnectionIsAnError() {
        String build = "b-20261122T100000-noconn01";
        running(store, build);

        assertThat(error(routes.message("c-never-connected", "{\"action\":\"subscribe\",\"buildId\":\"" + build + "\"}")).error())
                .isEqualTo("not_connected");
        assertThat(subscriptions.subscribers(build)).isEmpty();
    }

    @Test
    void unsubscribeAnswersTheStatusAndStopsTheSubscription() {
        String build = "b-20261122T100000-unsub001";
        running(store, build);
        String connection = connected("c-unsub");
        routes.message(connection, "{\"action\":\"subscribe\",\"buildId\":\"" + build + "\"}");

        assertThat(routes.message(connection, "{\"action\":\"unsubscribe\",\"buildId\":\"" + build + "\"}"))
                .isEqualTo(new LiveMessage.Status(build, "RUNNING", null, null, null));
        assertThat(subscriptions.subscribers(build)).isEmpty();
        assertThat(error(routes.message(connection, "{\"action\":\"unsubscribe\",\"buildId\":\"b-20261122T100000-nosuchbd\"}")))
                .isEqualTo(new LiveMessage.Error("not_found", "no build b-20261122T100000-nosuchbd"));
    }

    @Test
    void disconnectRemovesTheSubscriptions() {
        String build = "b-20261122T100000-disconn1";
        running(store, build);
        String connection = connected("c-disconnect");
        routes.message(connection, "{\"action\":\"subscribe\",\"buildId\":\"" + build + "\"}");

        routes.disconnect(connection);

        assertThat(subscriptions.subscribers(build)).isEmpty();
        assertThat(subscriptions.principal(connection)).isEmpty();
    }

    @Test
    void aConnectionWithoutPrincipalIsRecordedAsAnonymous() {
        routes.connect("c-anonymous", null);

        assertThat(subscriptions.principal("c-anonymous")).contains(WebSocketRoutes.ANONYMOUS);
    }
}
