package dev.bakery.security.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.PlanJson;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import dev.bakery.core.live.LiveMessage;
import dev.bakery.core.status.BuildStatus;
import dev.bakery.core.status.TaskStatus;
import dev.bakery.functions.api.ApiResponse;
import dev.bakery.functions.testing.ApiHarness;
import dev.bakery.store.BuildRecord;
import dev.bakery.store.TaskRecord;
import dev.bakery.testing.LoopbackAws;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A second IAM principal of the same account goes after a running build of the first, through the
 * real REST and WebSocket handlers on the engines (dynalite, S3Proxy, the loopback Step Functions
 * and CloudWatch Logs): it reads, lists, replays the logs of, cancels and subscribes to it. Each
 * attempt is answered exactly as for a build that does not exist, and the build runs on untouched.
 * Another session of the owner's role and an operator are served.
 */
class AnotherPrincipalTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The owner submits as ApiHarness.PRINCIPAL: arn:aws:sts::111122223333:assumed-role/ci-deployer/github. */
    private static final String OWNER_OTHER_SESSION = "arn:aws:sts::111122223333:assumed-role/ci-deployer/laptop-alice";
    private static final String ATTACKER = "arn:aws:sts::111122223333:assumed-role/shop-ci/github";
    private static final String OPERATOR = "arn:aws:sts::111122223333:assumed-role/bakery-operators/oncall";

    private static ApiHarness harness;
    private String build;
    private String idempotencyKey;

    @BeforeAll
    static void start() {
        harness = new ApiHarness(1 << 20, 1L << 30);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    /** A running build of the owner, with a log line in CloudWatch Logs, as the state machine and agent leave it. */
    @BeforeEach
    void ownersRunningBuild() throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("context", harness.uploadedContext(UUID.randomUUID().toString().replace("-", "").repeat(2)));
        body.set("plan", JSON.readTree(PlanJson.write(BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml",
                "bake: [{arch: amd64, kaniko: {destination: \"registry.example.com/team/app:1\"}}]"))).builds().getFirst().plan())));
        idempotencyKey = "release-" + UUID.randomUUID();
        body.put("idempotencyKey", idempotencyKey);
        ApiResponse submitted = harness.call("POST /builds", Map.of(), Map.of(), body.toString());
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        build = JSON.readTree(submitted.body()).path("buildId").asText();
        assertThat(harness.store.transition(build, Set.of(BuildStatus.QUEUED), BuildStatus.RUNNING, null)).isTrue();
        harness.aws.logEvent(ApiHarness.LOG_GROUP, "build/agent/task-1", 1000,
                "{\"buildId\":\"" + build + "\",\"msg\":\"STEP 1/3: FROM private-base\"}");
    }

    private static ApiResponse as(String principal, String route, Map<String, String> path, Map<String, String> query) {
        return harness.callAs(principal, route, path, query, null);
    }

    private static JsonNode json(ApiResponse response) throws Exception {
        return JSON.readTree(response.body());
    }

    /** The build as its owner left it: running, its task pending, its execution not stopped. */
    private void assertUntouched() {
        BuildRecord now = harness.store.build(build).orElseThrow();
        assertThat(now.status()).isEqualTo(BuildStatus.RUNNING);
        assertThat(now.error()).isNull();
        assertThat(harness.store.tasks(build)).extracting(TaskRecord::status).containsOnly(TaskStatus.PENDING);
        LoopbackAws.Execution execution = harness.aws.execution(now.executionArn());
        assertThat(execution.status()).isEqualTo("RUNNING");
    }

    /** What anyone gets for an id nobody used: the attacker must not be able to tell the two apart. */
    private static void assertAnsweredAsMissing(ApiResponse response, String buildId) throws Exception {
        assertThat(response.status()).as(response.body()).isEqualTo(404);
        assertThat(json(response).path("error").asText()).isEqualTo("not_found");
        String missing = "b-20991231T235959-zzzzzzzz-default";
        ApiResponse forMissing = as(ATTACKER, "GET /builds/{id}", Map.of("id", missing), Map.of());
        assertThat(response.body().replace(buildId, "ID")).isEqualTo(forMissing.body().replace(missing, "ID"));
    }

    @Test
    void anotherRoleReadingTheBuildIsToldItDoesNotExist() throws Exception {
        assertAnsweredAsMissing(as(ATTACKER, "GET /builds/{id}", Map.of("id", build), Map.of()), build);
        assertUntouched();
    }

    @Test
    void anotherRoleListingBuildsSeesNoneOfTheOwners() throws Exception {
        ApiResponse list = as(ATTACKER, "GET /builds", Map.of(), Map.of("limit", "100"));
        assertThat(list.status()).isEqualTo(200);
        assertThat(json(list).path("builds").findValuesAsText("buildId")).doesNotContain(build);
        assertThat(json(list).path("builds").findValuesAsText("requester")).containsOnly(ATTACKER);
        ApiResponse running = as(ATTACKER, "GET /builds", Map.of(), Map.of("status", "running"));
        assertThat(json(running).path("builds").findValuesAsText("buildId")).doesNotContain(build);
    }

    @Test
    void anotherRoleReplayingTheLogsIsToldTheBuildDoesNotExist() throws Exception {
        ApiResponse logs = as(ATTACKER, "GET /builds/{id}/logs", Map.of("id", build), Map.of());
        assertThat(logs.body()).doesNotContain("private-base");
        assertThat(logs.status()).isEqualTo(404);
        assertThat(json(logs).path("error").asText()).isEqualTo("not_found");
    }

    @Test
    void anotherRoleCancellingTheBuildIsToldItDoesNotExistAndTheBuildRunsOn() throws Exception {
        assertAnsweredAsMissing(harness.callAs(ATTACKER, "DELETE /builds/{id}", Map.of("id", build), Map.of(), null), build);
        assertUntouched();
    }

    @Test
    void anotherRoleSubscribingOverTheWebSocketGetsNotFoundAndNoSubscription() {
        harness.live.connect("conn-attacker", ATTACKER);
        LiveMessage answer = harness.live.message("conn-attacker", "{\"action\":\"subscribe\",\"buildId\":\"" + build + "\"}");
        assertThat(answer).isEqualTo(new LiveMessage.Error("not_found", "no build " + build));
        assertThat(harness.dynamo.client().getItem(r -> r.tableName(dev.bakery.store.testing.LocalDynamo.TABLE)
                .key(Map.of("pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("BUILD#" + build),
                        "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("SUB#conn-attacker")))).item())
                .isNullOrEmpty();
        assertUntouched();
    }

    @Test
    void anotherRoleUnsubscribingLearnsNothingAboutTheBuild() {
        harness.live.connect("conn-prober", ATTACKER);
        LiveMessage answer = harness.live.message("conn-prober", "{\"action\":\"unsubscribe\",\"buildId\":\"" + build + "\"}");
        assertThat(answer).isEqualTo(new LiveMessage.Error("not_found", "no build " + build));
    }

    @Test
    void anIamUserNamedLikeTheOwnersRoleIsAnotherPrincipal() throws Exception {
        String user = "arn:aws:iam::111122223333:user/ci-deployer";
        assertAnsweredAsMissing(as(user, "GET /builds/{id}", Map.of("id", build), Map.of()), build);
        assertAnsweredAsMissing(harness.callAs(user, "DELETE /builds/{id}", Map.of("id", build), Map.of(), null), build);
        assertUntouched();
    }

    @Test
    void aRoleOfTheSameNameInAnotherAccountIsAnotherPrincipal() throws Exception {
        String foreign = "arn:aws:sts::444455556666:assumed-role/ci-deployer/github";
        assertAnsweredAsMissing(as(foreign, "GET /builds/{id}", Map.of("id", build), Map.of()), build);
        assertAnsweredAsMissing(harness.callAs(foreign, "DELETE /builds/{id}", Map.of("id", build), Map.of(), null), build);
        assertUntouched();
    }

    @Test
    void aRoleWhoseNameExtendsTheOwnersIsAnotherPrincipal() throws Exception {
        String longer = "arn:aws:sts::111122223333:assumed-role/ci-deployer-evil/github";
        assertAnsweredAsMissing(as(longer, "GET /builds/{id}", Map.of("id", build), Map.of()), build);
        assertThat(json(as(longer, "GET /builds", Map.of(), Map.of())).path("builds").findValuesAsText("buildId")).isEmpty();
    }

    @Test
    void anotherRoleReusingTheOwnersIdempotencyKeyGetsABuildOfItsOwnNotTheOwners() throws Exception {
        ObjectNode body = JSON.createObjectNode();
        // The owner's very request, replayed under the owner's key: answered for the attacker alone.
        BuildRecord owners = harness.store.build(build).orElseThrow();
        body.put("context", owners.contextKey());
        body.set("plan", JSON.readTree(PlanJson.write(owners.plan())));
        body.put("idempotencyKey", idempotencyKey);
        ApiResponse submitted = harness.callAs(ATTACKER, "POST /builds", Map.of(), Map.of(), body.toString());
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        assertThat(json(submitted).path("buildId").asText()).isNotEqualTo(build);
        assertUntouched();
    }

    @Test
    void anotherSessionOfTheOwnersRoleReadsListsFollowsAndSeesTheLogs() throws Exception {
        assertThat(json(as(OWNER_OTHER_SESSION, "GET /builds/{id}", Map.of("id", build), Map.of())).path("status").asText())
                .isEqualTo("RUNNING");
        assertThat(json(as(OWNER_OTHER_SESSION, "GET /builds", Map.of(), Map.of("limit", "100"))).path("builds")
                .findValuesAsText("buildId")).contains(build);
        assertThat(as(OWNER_OTHER_SESSION, "GET /builds/{id}/logs", Map.of("id", build), Map.of()).body()).contains("private-base");
        harness.live.connect("conn-alice", OWNER_OTHER_SESSION);
        assertThat(harness.live.message("conn-alice", "{\"action\":\"subscribe\",\"buildId\":\"" + build + "\"}"))
                .isEqualTo(new LiveMessage.Status(build, "RUNNING", null, null, null));
    }

    @Test
    void anOperatorReadsListsEveryonesBuildsAndCancels() throws Exception {
        assertThat(as(OPERATOR, "GET /builds/{id}", Map.of("id", build), Map.of()).status()).isEqualTo(200);
        List<String> listed = json(as(OPERATOR, "GET /builds", Map.of(), Map.of("limit", "100"))).path("builds").findValuesAsText("buildId");
        assertThat(listed).contains(build);
        ApiResponse cancelled = harness.callAs(OPERATOR, "DELETE /builds/{id}", Map.of("id", build), Map.of(), null);
        assertThat(json(cancelled).path("status").asText()).as(cancelled.body()).isEqualTo("CANCELLED");
        assertThat(harness.store.build(build).orElseThrow().error()).isEqualTo("cancelled by " + OPERATOR);
    }
}
