package dev.bakery.functions.index;

import dev.bakery.registry.index.IndexPublisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.BuildTask;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import dev.bakery.registry.Descriptor;
import dev.bakery.registry.RegistryClient;
import dev.bakery.registry.RegistryCredentials;
import dev.bakery.store.BuildRecord;
import dev.bakery.core.status.BuildStatus;
import dev.bakery.store.BuildStore;
import dev.bakery.store.TaskRecord;
import dev.bakery.core.status.TaskStatus;
import dev.bakery.store.testing.Agents;
import dev.bakery.store.testing.Builds;
import dev.bakery.store.testing.LocalDynamo;
import dev.bakery.testing.LoopbackRegistry;
import dev.bakery.registry.testing.TestImages;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The publish step end to end: task results in dynalite, images in a real loopback registry. */
class IndexPublicationTest {

    private static LoopbackRegistry registry;
    private static LocalDynamo dynamo;
    private static BuildStore store;
    private static RegistryClient client;
    private static IndexPublication publication;

    @BeforeAll
    static void start() {
        registry = LoopbackRegistry.start();
        dynamo = LocalDynamo.start();
        store = new BuildStore(dynamo.client(), LocalDynamo.TABLE, Clock.systemUTC());
        client = new RegistryClient(RegistryCredentials.none());
        publication = new IndexPublication(store, build -> client);
    }

    @AfterAll
    static void stop() {
        dynamo.close();
        registry.close();
    }

    private static BuildPlan plan(String destination, String... arches) {
        StringBuilder yaml = new StringBuilder("global:\n  kaniko: {destination: \"" + destination + "\"}\nbake:\n");
        for (String arch : arches) {
            yaml.append("- arch: ").append(arch).append('\n');
        }
        return BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", yaml.toString())))
                .builds().getFirst().plan();
    }

    private static void create(String buildId, BuildPlan plan) {
        Builds.create(store, BuildRecord.queued(buildId, plan, "contexts/abc.tar.gz", "arn:aws:iam::123456789012:role/ci", java.util.Map.of(), Instant.parse("2026-11-22T10:00:00Z"), null),
                plan.tasks().stream().map(t -> TaskRecord.pending(buildId, t.id(), t.arch().key()))
                        .toList());
    }

    /** Pushes the task's image where its plan says and records the result, as the agent does. */
    private static Descriptor build(String buildId, BuildTask task) {
        Descriptor pushed = TestImages.push(client, task.destinations().getFirst(), task.arch().key(), null);
        assertThat(Agents.finish(store, buildId, task.id(), TaskStatus.SUCCEEDED, pushed.digest(), null)).isTrue();
        return pushed;
    }

    @Test
    void publishesTheIndexOfTheTasksPushedDigestsAndRecordsIt() {
        BuildPlan plan = plan(registry.host() + "/shop/api:1.0", "amd64", "arm64");
        create("b-1", plan);
        Descriptor amd = build("b-1", plan.task("amd64"));
        Descriptor arm = build("b-1", plan.task("arm64"));
        // The tag is moved after the task finished: the index must still list what the task pushed.
        TestImages.push(client, plan.task("arm64").destinations().getFirst(), "arm64", "v9");

        IndexPublisher.Published published = publication.publish("b-1").orElseThrow();

        assertThat(store.build("b-1").orElseThrow().indexDigest()).isEqualTo(published.digest());
        assertThat(client.head(plan.index().destination()).orElseThrow().digest()).isEqualTo(published.digest());
        assertThat(new String(client.manifest(plan.index().destination()).bytes()))
                .contains(amd.digest(), arm.digest());
        assertThat(publication.publish("b-1").orElseThrow().digest()).isEqualTo(published.digest());
    }

    @Test
    void aTaskWithoutAnImageStopsThePublicationNamingIt() {
        BuildPlan plan = plan(registry.host() + "/shop/worker:2", "amd64", "arm64");
        create("b-2", plan);
        build("b-2", plan.task("amd64"));
        Agents.finish(store, "b-2", "arm64", TaskStatus.FAILED, null, "kaniko exited with 1");
        assertThatThrownBy(() -> publication.publish("b-2"))
                .hasMessage("cannot publish the index of build b-2: task arm64 has no pushed image (FAILED: kaniko exited with 1)");
        assertThat(store.build("b-2").orElseThrow().indexDigest()).isNull();
    }

    @Test
    void aSingleImageBuildHasNoIndex() {
        BuildPlan plan = plan(registry.host() + "/shop/cli:3", "arm64");
        create("b-3", plan);
        build("b-3", plan.task("arm64"));
        assertThat(publication.publish("b-3")).isEmpty();
        assertThat(store.build("b-3").orElseThrow().indexDigest()).isNull();
    }

    @Test
    void anUnknownBuildIsNamed() {
        assertThatThrownBy(() -> publication.publish("b-nope")).hasMessage("build b-nope does not exist");
    }

    @Test
    void aBuildIdCannotBeCreatedTwice() {
        BuildPlan plan = plan(registry.host() + "/shop/dup:1", "amd64");
        create("b-5", plan);
        assertThatThrownBy(() -> create("b-5", plan))
                .isInstanceOf(software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException.class);
        assertThat(store.build("b-5")).get().extracting(BuildRecord::plan).isEqualTo(plan);
        assertThat(List.of(store.build("b-5").orElseThrow().status())).containsExactly(BuildStatus.QUEUED);
    }
}
