package dev.bakery.store.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import dev.bakery.store.BuildRecord;
import dev.bakery.store.BuildStore;
import dev.bakery.store.TaskRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class LocalDynamoTest {

    @Test
    void servesTheTableOverLoopbackHttp() {
        try (LocalDynamo server = LocalDynamo.start(); DynamoDbClient client = server.newClient()) {
            assertThat(server.endpoint().getHost()).isEqualTo("127.0.0.1");
            BuildPlan plan = BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml",
                    "bake: [{arch: arm64, kaniko: {no-push: true}}]"))).builds().getFirst().plan();
            BuildStore store = new BuildStore(client, LocalDynamo.TABLE, Clock.systemUTC());
            Builds.create(store, BuildRecord.queued("b-net", plan, "contexts/x.tar.gz", "arn:aws:iam::1:user/ci", Map.of(),
                    Instant.parse("2026-11-22T10:00:00Z"), null),
                    List.of(TaskRecord.pending("b-net", "arm64", "arm64")));
            assertThat(store.build("b-net")).get().extracting(BuildRecord::plan).isEqualTo(plan);
        }
    }
}
