package dev.bakery.functions.handler;

import dev.bakery.core.Environment;
import dev.bakery.functions.wiring.AwsEdges;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import dev.bakery.functions.index.IndexPublication;
import dev.bakery.registry.Descriptor;
import dev.bakery.registry.RegistryClient;
import dev.bakery.registry.RegistryCredentials;
import dev.bakery.store.BuildRecord;
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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The handler as Step Functions calls it: a map in, a map out. */
class PublishIndexHandlerTest {

    private static LoopbackRegistry registry;
    private static LocalDynamo dynamo;
    private static BuildStore store;
    private static RegistryClient client;

    @BeforeAll
    static void start() {
        registry = LoopbackRegistry.start();
        dynamo = LocalDynamo.start();
        store = new BuildStore(dynamo.client(), LocalDynamo.TABLE, Clock.systemUTC());
        client = new RegistryClient(RegistryCredentials.none());
    }

    @AfterAll
    static void stop() {
        dynamo.close();
        registry.close();
    }

    @Test
    void answersWithTheIndexDigestAndDestinations() {
        BuildPlan plan = BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", """
                global:
                  kaniko: {destination: "%s/web:2.1", tags: [stable]}
                bake: [{arch: amd64}, {arch: arm64}]
                """.formatted(registry.host())))).builds().getFirst().plan();
        Builds.create(store, BuildRecord.queued("b-h1", plan, "contexts/x.tar.gz", "arn:aws:iam::1:user/ci", java.util.Map.of(), Instant.now(), null), plan.tasks().stream()
                .map(t -> new TaskRecord("b-h1", t.id(), t.arch().key(), TaskStatus.RUNNING, null, null, null)).toList());
        for (var task : plan.tasks()) {
            Descriptor pushed = TestImages.push(client, task.destinations().getFirst(), task.arch().key(), null);
            Agents.finish(store, "b-h1", task.id(), TaskStatus.SUCCEEDED, pushed.digest(), null);
        }
        PublishIndexHandler handler = new PublishIndexHandler(new IndexPublication(store, build -> client));

        Map<String, Object> out = handler.handleRequest(Map.of("buildId", "b-h1"), null);

        assertThat(out).containsEntry("published", true)
                .containsEntry("indexDigest", store.build("b-h1").orElseThrow().indexDigest())
                .containsEntry("destinations", List.of(registry.host() + "/web:2.1", registry.host() + "/web:stable"));
    }

    @Test
    void rejectsInputWithoutABuildId() {
        PublishIndexHandler handler = new PublishIndexHandler(new IndexPublication(store, build -> client));
        assertThatThrownBy(() -> handler.handleRequest(Map.of("id", "b-1"), null))
                .hasMessage("the input needs a buildId, got {id=b-1}");
    }

    @Test
    void saysWhichSettingIsMissing() {
        assertThatThrownBy(() -> AwsEdges.controlPlane(new Environment(Map.of("AWS_REGION", "eu-west-1"))).indexPublication())
                .hasMessage("environment variable TABLE_NAME is not set");
    }
}
