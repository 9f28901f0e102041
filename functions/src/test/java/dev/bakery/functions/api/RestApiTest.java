package dev.bakery.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.PlanJson;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.PlannedBuild;
import dev.bakery.core.SourceFile;
import dev.bakery.testing.LoopbackAws;
import dev.bakery.core.status.TaskStatus;
import dev.bakery.functions.testing.ApiHarness;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The REST API's happy paths on the emulators: what a CLI sees, and what reaches AWS. */
class RestApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static ApiHarness harness;

    @BeforeAll
    static void start() {
        harness = new ApiHarness(1 << 20, 1L << 30);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    static PlannedBuild planned(String destination) {
        return BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", """
                global:
                  kaniko-credentials:
                  - {registry: registry.example.com, username: builder, password: s3cr3t-inline}
                  kaniko: {destination: "%s"}
                bake: [{arch: amd64}, {arch: arm64, spot: true}]
                """.formatted(destination)))).builds().getFirst();
    }

    static String submitBody(String context, PlannedBuild build, String idempotencyKey) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("context", context);
        body.set("plan", JSON.readTree(PlanJson.write(build.plan())));
        body.putObject("labels").put("git.sha", "0a1b2c3").put("ci.url", "https://ci.example.com/run/7");
        if (idempotencyKey != null) {
            body.put("idempotencyKey", idempotencyKey);
        }
        body.set("inlinePasswords", JSON.valueToTree(build.inlinePasswords()));
        return body.toString();
    }

    private static JsonNode json(ApiResponse response) throws Exception {
        return JSON.readTree(response.body());
    }

    @Test
    void submitStoresTheBuildStartsTheExecutionAndKeepsPasswordsOutOfIt() throws Exception {
        String context = harness.uploadedContext("a".repeat(64));
        PlannedBuild build = planned("registry.example.com/team/app:1.0");

        ApiResponse response = harness.call("POST /builds", Map.of(), Map.of(), submitBody(context, build, null));

        assertThat(response.status()).as(response.body()).isEqualTo(202);
        String buildId = json(response).path("buildId").asText();
        assertThat(buildId).matches("b-\\d{8}T\\d{6}-[a-z2-7]{8}-default");
        assertThat(json(response).path("status").asText()).isEqualTo("QUEUED");
        assertThat(json(response).path("consoleUrl").asText()).startsWith("https://eu-west-1.console.aws.amazon.com/states/");

        LoopbackAws.Execution execution = harness.aws.executions().stream().filter(e -> e.name().equals(buildId)).findFirst().orElseThrow();
        assertThat(execution.input()).doesNotContain("s3cr3t-inline");
        JsonNode input = JSON.readTree(execution.input());
        assertThat(input.path("buildId").asText()).isEqualTo(buildId);
        assertThat(input.path("publishIndex").asBoolean()).isTrue();
        assertThat(input.path("tasks")).hasSize(2);
        assertThat(input.path("tasks").get(1).toString()).isEqualTo("{\"buildId\":\"" + buildId + "\",\"taskId\":\"arm64\","
                + "\"arch\":\"arm64\",\"platform\":\"ecs\",\"cpu\":\"512\",\"memory\":\"2048\",\"timeoutSeconds\":600,"
                + "\"spot\":true,\"taskDefinition\":\"" + ApiHarness.TASK_DEFINITIONS.get(dev.bakery.core.Arch.ARM64) + "\"}");
        String secretArn = input.path("secretArn").asText();
        assertThat(harness.aws.storedSecrets().values()).anySatisfy(s -> {
            assertThat(s.name()).isEqualTo("bakery/builds/" + buildId);
            assertThat(JSON.readTree(s.value()).path("global.kaniko-credentials[0]").asText()).isEqualTo("s3cr3t-inline");
        });

        JsonNode view = json(harness.call("GET /builds/{id}", Map.of("id", buildId), Map.of(), null));
        assertThat(view.path("status").asText()).isEqualTo("QUEUED");
        assertThat(view.path("requester").asText()).isEqualTo(ApiHarness.PRINCIPAL);
        assertThat(view.path("labels").path("git.sha").asText()).isEqualTo("0a1b2c3");
        assertThat(view.path("index").asText()).isEqualTo("registry.example.com/team/app:1.0");
        assertThat(view.path("tasks")).extracting(t -> t.path("status").asText()).containsExactly("PENDING", "PENDING");
        assertThat(view.path("tasks")).allSatisfy(t -> assertThat(t.path("runner").isNull()).isTrue());
        String fargate = "arn:aws:ecs:eu-west-1:111122223333:task/bakery/0123456789abcdef0123456789abcdef";
        harness.store.startTask(buildId, view.path("tasks").get(0).path("taskId").asText(), Instant.now(), fargate);
        JsonNode started = json(harness.call("GET /builds/{id}", Map.of("id", buildId), Map.of(), null));
        assertThat(started.path("tasks").get(0).path("status").asText()).isEqualTo("RUNNING");
        assertThat(started.path("tasks").get(0).path("runner").asText()).isEqualTo(fargate);
        assertThat(harness.store.build(buildId).orElseThrow().secretArn()).isEqualTo(secretArn);
        assertThat(harness.store.build(buildId).orElseThrow().executionArn()).isEqualTo(execution.executionArn());
    }

    @Test
    void theSameIdempotencyKeyReturnsTheSameBuild() throws Exception {
        String context = harness.uploadedContext("b".repeat(64));
        String body = submitBody(context, planned("registry.example.com/team/idem:1"), "ci-run-42");
        ApiResponse first = harness.call("POST /builds", Map.of(), Map.of(), body);
        ApiResponse again = harness.call("POST /builds", Map.of(), Map.of(), body);
        assertThat(first.status()).isEqualTo(202);
        assertThat(again.status()).isEqualTo(200);
        String buildId = json(first).path("buildId").asText();
        assertThat(json(again).path("buildId").asText()).isEqualTo(buildId);
        assertThat(harness.aws.executions()).filteredOn(e -> e.name().equals(buildId)).hasSize(1);
    }

    @Test
    void cancelStopsTheExecutionCancelsTasksDeletesTheSecretAndIsIdempotent() throws Exception {
        String context = harness.uploadedContext("c".repeat(64));
        String buildId = json(harness.call("POST /builds", Map.of(), Map.of(),
                submitBody(context, planned("registry.example.com/team/cancel:1"), null))).path("buildId").asText();
        String executionArn = harness.store.build(buildId).orElseThrow().executionArn();
        String secretArn = harness.store.build(buildId).orElseThrow().secretArn();

        ApiResponse cancelled = harness.call("DELETE /builds/{id}", Map.of("id", buildId), Map.of(), null);
        ApiResponse again = harness.call("DELETE /builds/{id}", Map.of("id", buildId), Map.of(), null);

        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(json(cancelled).path("status").asText()).isEqualTo("CANCELLED");
        assertThat(again.status()).isEqualTo(200);
        assertThat(harness.aws.bodies("StopExecution")).anySatisfy(b -> assertThat(b.path("executionArn").asText()).isEqualTo(executionArn));
        assertThat(harness.aws.execution(executionArn).status()).isEqualTo("ABORTED");
        assertThat(harness.store.tasks(buildId)).allSatisfy(t -> assertThat(t.status()).isEqualTo(TaskStatus.CANCELLED));
        assertThat(harness.aws.bodies("DeleteSecret")).anySatisfy(b -> assertThat(b.path("SecretId").asText()).isEqualTo(secretArn));
    }

    @Test
    void listsNewestFirstPageByPageAndFiltersByStatus() throws Exception {
        for (int i = 0; i < 3; i++) {
            String context = harness.uploadedContext(Integer.toString(i).repeat(64));
            harness.call("POST /builds", Map.of(), Map.of(), submitBody(context, planned("registry.example.com/list/app:" + i), null));
            Thread.sleep(1100); // build ids and the index sort by second
        }
        JsonNode first = json(harness.call("GET /builds", Map.of(), Map.of("limit", "2"), null));
        assertThat(first.path("builds")).hasSize(2);
        assertThat(first.path("next").asText()).isNotEmpty();
        JsonNode second = json(harness.call("GET /builds", Map.of(), Map.of("limit", "2", "next", first.path("next").asText()), null));
        String newest = first.path("builds").get(0).path("createdAt").asText();
        String older = first.path("builds").get(1).path("createdAt").asText();
        assertThat(newest).isGreaterThanOrEqualTo(older);
        assertThat(second.path("builds").get(0).path("createdAt").asText()).isLessThanOrEqualTo(older);
        JsonNode cancelledOnly = json(harness.call("GET /builds", Map.of(), Map.of("status", "cancelled", "limit", "100"), null));
        assertThat(cancelledOnly.path("builds")).allSatisfy(b -> assertThat(b.path("status").asText()).isEqualTo("CANCELLED"));
    }

    @Test
    void logsReplayTheBuildsLinesInOrder() throws Exception {
        String context = harness.uploadedContext("d".repeat(64));
        String buildId = json(harness.call("POST /builds", Map.of(), Map.of(),
                submitBody(context, planned("registry.example.com/team/logs:1"), null))).path("buildId").asText();
        harness.aws.logEvent(ApiHarness.LOG_GROUP, "bakery/agent/arm", 2000, "{\"buildId\":\"" + buildId + "\",\"msg\":\"second\"}");
        harness.aws.logEvent(ApiHarness.LOG_GROUP, "bakery/agent/amd", 1000, "{\"buildId\":\"" + buildId + "\",\"msg\":\"first\"}");
        harness.aws.logEvent(ApiHarness.LOG_GROUP, "bakery/agent/amd", 1500, "{\"buildId\":\"b-other\",\"msg\":\"not ours\"}");

        JsonNode logs = json(harness.call("GET /builds/{id}/logs", Map.of("id", buildId), Map.of(), null));

        assertThat(logs.path("lines")).extracting(l -> JSON.readTree(l.path("message").asText()).path("msg").asText())
                .containsExactly("first", "second");
    }

    @Test
    void postContextsOffersAnUploadThenSaysItExists() throws Exception {
        // The bytes uploadedContext stores, "ctx".
        String sha = dev.bakery.core.Digests.sha256("ctx".getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(7);
        String claim = "{\"sha256\":\"" + sha + "\",\"size\":3,\"partSize\":67108864,\"parts\":[\"" + sha + "\"]}";
        JsonNode offer = json(harness.call("POST /contexts", Map.of(), Map.of(), claim));
        assertThat(offer.path("exists").asBoolean()).isFalse();
        assertThat(offer.path("upload").path("method").asText()).isEqualTo("PUT");
        harness.uploadedContext(sha);
        JsonNode again = json(harness.call("POST /contexts", Map.of(), Map.of(), claim));
        assertThat(again.path("exists").asBoolean()).isTrue();
        assertThat(again.path("key").asText()).isEqualTo("contexts/" + sha + ".tar.gz");
    }
}
