package dev.bakery.store;

import dev.bakery.core.status.TaskStatus;
import dev.bakery.core.status.TaskResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import dev.bakery.store.testing.Builds;
import dev.bakery.store.testing.LocalDynamo;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import dev.bakery.core.status.BuildStatus;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every call of the store on dynalite (no transactions there): creation with and without an
 * idempotency key, listing, build and task transitions; results are taken once, final states stick.
 */
class BuildStoreTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final String DIGEST = "sha256:" + "a".repeat(64);

    private static LocalDynamo dynamo;
    private static BuildStore store;

    @BeforeAll
    static void start() {
        dynamo = LocalDynamo.start();
        store = new BuildStore(dynamo.client(), LocalDynamo.TABLE, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        dynamo.close();
    }

    private static BuildRecord queued(String buildId, Instant at) {
        return BuildRecord.queued(buildId, plan(), "contexts/c.tar.gz", "arn:aws:iam::1:user/ci", Map.of("git", "abc"), at, null);
    }

    private static BuildPlan plan() {
        return BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml",
                "bake: [{arch: amd64, kaniko: {destination: \"localhost:5000/app:1\"}}]"))).builds().getFirst().plan();
    }

    private static void create(String buildId) {
        BuildPlan plan = BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml",
                "bake: [{arch: amd64, kaniko: {destination: \"localhost:5000/app:1\"}}]"))).builds().getFirst().plan();
        Builds.create(store, BuildRecord.queued(buildId, plan, "contexts/c.tar.gz", "arn:aws:iam::1:user/ci", java.util.Map.of(), T0, null),
                List.of(TaskRecord.pending(buildId, "amd64", "amd64")));
    }

    private static TaskResult result(TaskStatus status, String digest) {
        return new TaskResult(status, digest, List.of("localhost:5000/app:1"), status == TaskStatus.SUCCEEDED ? 0 : 1,
                T0, T0.plusSeconds(30), status == TaskStatus.SUCCEEDED ? null : "exit 1", false);
    }

    @Test
    void aRunningTaskTakesItsResultOnceAndTheSameResultAgainIsANoOp() {
        create("s-1");
        store.startTask("s-1", "amd64", T0, null);
        store.startTask("s-1", "amd64", T0, null); // a retried agent start
        assertThat(store.recordResult("s-1", "amd64", result(TaskStatus.SUCCEEDED, DIGEST))).isTrue();
        assertThat(store.recordResult("s-1", "amd64", result(TaskStatus.SUCCEEDED, DIGEST))).isFalse();
        assertThat(store.task("s-1", "amd64")).get().extracting(TaskRecord::status, TaskRecord::imageDigest)
                .containsExactly(TaskStatus.SUCCEEDED, DIGEST);
    }

    @Test
    void aDifferentDigestAfterTheResultIsAConflict() {
        create("s-2");
        store.startTask("s-2", "amd64", T0, null);
        store.recordResult("s-2", "amd64", result(TaskStatus.SUCCEEDED, DIGEST));
        assertThatThrownBy(() -> store.recordResult("s-2", "amd64", result(TaskStatus.SUCCEEDED, "sha256:" + "b".repeat(64))))
                .isInstanceOf(ResultConflictException.class)
                .hasMessage("task amd64 of build s-2 is SUCCEEDED with image " + DIGEST + "; not recording SUCCEEDED with image sha256:"
                        + "b".repeat(64));
    }

    @Test
    void aTaskThatNeverStartedTakesNoResultAndAFinishedOneDoesNotRestart() {
        create("s-3");
        assertThatThrownBy(() -> store.recordResult("s-3", "amd64", result(TaskStatus.FAILED, null)))
                .hasMessage("task amd64 of build s-3 is PENDING; not recording FAILED");
        store.startTask("s-3", "amd64", T0, null);
        store.recordResult("s-3", "amd64", result(TaskStatus.FAILED, null));
        assertThatThrownBy(() -> store.startTask("s-3", "amd64", T0, null))
                .hasMessage("task amd64 of build s-3 is already FAILED");
    }

    @Test
    void aStartedTaskKeepsWhereItRunsAndARetriedStartDoesNotMoveIt() {
        create("s-5");
        String fargate = "arn:aws:ecs:eu-west-1:111122223333:task/bakery/0123456789abcdef0123456789abcdef";
        assertThat(store.task("s-5", "amd64")).get().extracting(TaskRecord::runner).isNull();
        store.startTask("s-5", "amd64", T0, fargate);
        store.startTask("s-5", "amd64", T0, "arn:aws:ecs:eu-west-1:111122223333:task/bakery/another");
        assertThat(store.task("s-5", "amd64")).get().extracting(TaskRecord::status, TaskRecord::runner)
                .containsExactly(TaskStatus.RUNNING, fargate);
        store.recordResult("s-5", "amd64", result(TaskStatus.SUCCEEDED, DIGEST));
        assertThat(store.tasks("s-5")).singleElement().extracting(TaskRecord::runner).isEqualTo(fargate);
    }

    @Test
    void anUnknownTaskIsNamed() {
        create("s-4");
        assertThatThrownBy(() -> store.startTask("s-4", "riscv64", T0, null)).hasMessage("build s-4 has no task riscv64");
    }

    @Test
    void aTakenIdempotencyKeyLeavesNoSecondBuildBehind() {
        Instant expires = T0.plusSeconds(3600);
        store.create(queued("i-1", T0), List.of(TaskRecord.pending("i-1", "amd64", "amd64")),
                new IdempotencyRecord("arn:aws:iam::1:user/ci", "key-1", "hash", "i-1"), expires);
        assertThatThrownBy(() -> store.create(queued("i-2", T0), List.of(TaskRecord.pending("i-2", "amd64", "amd64")),
                new IdempotencyRecord("arn:aws:iam::1:user/ci", "key-1", "other", "i-2"), expires))
                .isInstanceOf(IdempotencyKeyTakenException.class);
        assertThat(store.idempotency("arn:aws:iam::1:user/ci", "key-1")).get()
                .extracting(IdempotencyRecord::buildId, IdempotencyRecord::requestHash).containsExactly("i-1", "hash");
        assertThat(store.idempotency("arn:aws:iam::2:user/other", "key-1")).isEmpty();
        assertThat(store.build("i-2")).isEmpty();
        assertThat(store.tasks("i-2")).isEmpty();
        assertThat(store.build("i-1")).get().extracting(BuildRecord::labels).isEqualTo(Map.of("git", "abc"));
        // A build id is never written twice.
        assertThatThrownBy(() -> store.create(queued("i-1", T0), List.of(), null, expires))
                .isInstanceOf(ConditionalCheckFailedException.class);
    }

    @Test
    void buildsAreListedNewestFirstPageByPageAndMoveOnlyForward() {
        Instant base = Instant.parse("2030-01-01T00:00:00Z");
        for (int i = 0; i < 3; i++) {
            Builds.create(store, queued("l-" + i, base.plusSeconds(i)), List.of(TaskRecord.pending("l-" + i, "amd64", "amd64")));
        }
        BuildPage first = store.list(2, null, null);
        assertThat(first.builds()).extracting(BuildRecord::id).containsExactly("l-2", "l-1");
        assertThat(store.list(1, null, first.next()).builds()).extracting(BuildRecord::id).containsExactly("l-0");

        store.recordExecution("l-2", "arn:aws:states:us-east-1:1:execution:bakery:l-2");
        assertThat(store.transition("l-2", Set.of(BuildStatus.QUEUED), BuildStatus.RUNNING, null)).isTrue();
        store.cancelTasks("l-2");
        assertThat(store.transition("l-2", Set.of(BuildStatus.RUNNING), BuildStatus.CANCELLED, "cancelled by me")).isTrue();
        assertThat(store.transition("l-2", Set.of(BuildStatus.CANCELLED, BuildStatus.RUNNING), BuildStatus.RUNNING, null))
                .isFalse();
        store.recordIndexDigest("l-2", DIGEST);
        assertThat(store.build("l-2")).get().extracting(BuildRecord::status, BuildRecord::error, BuildRecord::executionArn,
                BuildRecord::indexDigest).containsExactly(BuildStatus.CANCELLED, "cancelled by me",
                "arn:aws:states:us-east-1:1:execution:bakery:l-2", DIGEST);
        assertThat(store.timedTasks("l-2")).singleElement().satisfies(timed -> {
            assertThat(timed.task().status()).isEqualTo(TaskStatus.CANCELLED);
            assertThat(timed.startedAt()).isNull();
            assertThat(timed.finishedAt()).isNotNull();
        });
        assertThat(store.list(10, BuildStatus.CANCELLED, null).builds()).extracting(BuildRecord::id).contains("l-2")
                .doesNotContain("l-1", "l-0");
    }

    // One owner among many: every page is full until the listing ends, and paging neither skips nor repeats.
    @Test
    void anOwnersBuildsArePagedThroughTheWholeListing() {
        Instant base = Instant.parse("2031-01-01T00:00:00Z");
        List<String> mine = new java.util.ArrayList<>();
        for (int i = 0; i < 230; i++) {
            boolean ours = i % 45 == 0;
            String requester = ours ? "arn:aws:sts::111122223333:assumed-role/ci/run-" + i : "arn:aws:iam::111122223333:user/other";
            Builds.create(store, BuildRecord.queued("o-" + i, plan(), "contexts/c.tar.gz", requester, Map.of(), base.plusSeconds(i),
                    null), List.of(TaskRecord.pending("o-" + i, "amd64", "amd64")));
            if (ours) {
                mine.addFirst("o-" + i);
            }
        }
        List<String> listed = new java.util.ArrayList<>();
        String next = null;
        do {
            BuildPage page = store.list(2, null, "arn:aws:iam::111122223333:role/ci", next);
            assertThat(page.builds().size() == 2 || page.next() == null).as("a short page ends the listing").isTrue();
            page.builds().forEach(b -> listed.add(b.id()));
            next = page.next();
        } while (next != null);
        assertThat(listed).isEqualTo(mine).hasSize(6);
    }
}
