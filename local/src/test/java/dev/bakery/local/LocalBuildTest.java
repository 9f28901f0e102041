package dev.bakery.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.local.tasks.LocalTasks;
import dev.bakery.local.statemachine.TaskFailure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real builds on bakery-local: the Task states the state machine would run, answered by the local
 * tasks (agent processes with buildah pushing to the started docker-registry, the real index
 * publisher, dynalite), watched over WebSocket. Needs root, buildah, docker-registry and a
 * static busybox (.ci/run installs them).
 */
class LocalBuildTest {

    @TempDir
    Path dataDir;

    private static JsonNode ecsTask(String buildId, String taskId) {
        ObjectNode parameters = Harness.JSON.createObjectNode().put("Cluster", LocalAws.CLUSTER_ARN)
                .put("TaskDefinition", LocalAws.TASK_DEFINITION_AMD64);
        var environment = parameters.putObject("Overrides").putArray("ContainerOverrides").addObject().put("Name", "agent")
                .putArray("Environment");
        environment.addObject().put("Name", "BAKERY_BUILD_ID").put("Value", buildId);
        environment.addObject().put("Name", "BAKERY_TASK_ID").put("Value", taskId);
        return parameters;
    }

    private static JsonNode json(String text) throws Exception {
        return Harness.JSON.readTree(text);
    }

    @Test
    void twoArchitecturesBuildPushAndGetTheirIndexWhileASubscriberWatches() throws Exception {
        try (Harness local = Harness.withRegistry(dataDir); Harness.Socket socket = local.connect()) {
            String registry = local.server.registry();
            String context = local.upload(Harness.archive(Map.of(
                    "Dockerfile", "FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"sh\", \"-c\", \"echo built > /built.txt\"]\n",
                    "Dockerfile.arm64", "FROM scratch\nCOPY busybox /bin/busybox\n"), true));
            String buildId = local.submit(context, """
                    global:
                      kaniko: {destination: "%s/local/hello:1"}
                    bake:
                    - arch: amd64
                    - arch: arm64
                      kaniko: {dockerfile: Dockerfile.arm64}
                    """.formatted(registry));
            socket.send(Map.of("action", "subscribe", "buildId", buildId));
            socket.await(m -> m.path("type").asText().equals("status"), 30);

            for (String taskId : List.of("amd64", "arm64")) {
                JsonNode stopped = local.task("Run on Fargate", LocalTasks.RUN_TASK, ecsTask(buildId, taskId));
                assertThat(stopped.path("Containers").get(0).path("ExitCode").asInt()).isZero();
            }
            assertThat(local.server.agents().count()).isZero();
            JsonNode build = local.call("GET", "/builds/" + buildId, null).json();
            assertThat(build.path("tasks")).allSatisfy(task -> {
                assertThat(task.path("status").asText()).isEqualTo("SUCCEEDED");
                assertThat(task.path("imageDigest").asText()).startsWith("sha256:");
            });
            // The agents' lines reached the subscriber live, through the log pipeline and the real forwarder.
            JsonNode live = socket.await(m -> m.path("type").asText().equals("log")
                    && m.path("lines").findValuesAsText("taskId").contains("arm64"), 30);
            assertThat(live.path("buildId").asText()).isEqualTo(buildId);
            // The task status changes came through the table's stream and the real notifier.
            socket.await(m -> m.path("type").asText().equals("status") && "arm64".equals(m.path("taskId").asText(null))
                    && m.path("status").asText().equals("SUCCEEDED"), 30);

            JsonNode published = local.task("Publish multi-arch index", LocalTasks.LAMBDA_INVOKE, json(
                    "{\"FunctionName\":\"" + LocalAws.PUBLISH_INDEX_FUNCTION + ":live\",\"Payload\":{\"buildId\":\"" + buildId + "\"}}"));
            assertThat(published.path("StatusCode").asInt()).isEqualTo(200);
            String indexDigest = published.path("Payload").path("indexDigest").asText();
            assertThat(indexDigest).startsWith("sha256:");
            HttpResponse<String> index = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://" + registry + "/v2/local/hello/manifests/1"))
                    .header("Accept", "application/vnd.oci.image.index.v1+json")
                    .header("Accept", "application/vnd.docker.distribution.manifest.list.v2+json").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(index.headers().firstValue("Docker-Content-Digest")).hasValue(indexDigest);
            assertThat(json(index.body()).path("manifests").findValuesAsText("architecture")).containsExactly("amd64", "arm64");

            // "Mark build done": refused while the condition does not hold, then done; the subscriber gets "done".
            String update = """
                    {"TableName":"%s","Key":{"pk":{"S":"BUILD#%s"},"sk":{"S":"META"}},
                     "UpdateExpression":"SET #s = :to","ConditionExpression":"#s = :from",
                     "ExpressionAttributeNames":{"#s":"status"},
                     "ExpressionAttributeValues":{":to":{"S":"SUCCEEDED"},":from":{"S":"%s"}}}""";
            assertThatThrownBy(() -> local.task("Mark build done", LocalTasks.UPDATE_ITEM,
                    json(update.formatted(LocalAws.TABLE, buildId, "RUNNING"))))
                    .isInstanceOfSatisfying(TaskFailure.class,
                            e -> assertThat(e.error()).isEqualTo("DynamoDB.ConditionalCheckFailedException"));
            local.task("Mark build done", LocalTasks.UPDATE_ITEM, json(update.formatted(LocalAws.TABLE, buildId, "QUEUED")));
            JsonNode done = socket.await(m -> m.path("type").asText().equals("done"), 30);
            assertThat(done.path("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(done.path("tasks")).hasSize(2);

            assertThat(local.task("Announce", LocalTasks.PUT_EVENTS, json(
                    "{\"Entries\":[{\"DetailType\":\"Bakery Build Status Change\",\"Detail\":{\"buildId\":\"" + buildId + "\"}}]}"))
                    .path("FailedEntryCount").asInt()).isZero();
            assertThatThrownBy(() -> local.task("Forget the secret", LocalTasks.DELETE_SECRET,
                    json("{\"SecretId\":\"bakery/builds/" + buildId + "\"}")))
                    .isInstanceOfSatisfying(TaskFailure.class,
                            e -> assertThat(e.error()).isEqualTo("SecretsManager.ResourceNotFoundException"));
        }
    }

    @Test
    void anAgentLogsInWithAnInlinePasswordAndMountsANamedSecretTheUserKeepsInTheDataDir() throws Exception {
        try (Harness local = Harness.withRegistry(dataDir)) {
            String registry = local.server.registry();
            // How a user creates the named secret "ci/build-token" for this machine (docs/troubleshooting.md).
            java.nio.file.Files.writeString(dataDir.resolve("secrets/ci%2Fbuild-token"), "expected-value");
            String context = local.upload(Harness.archive(Map.of("Dockerfile", """
                    FROM scratch
                    COPY busybox /bin/busybox
                    RUN --mount=type=secret,id=token ["/bin/busybox", "sh", "-c", \\
                        "echo got $(/bin/busybox cat /run/secrets/token); test \\"$(/bin/busybox cat /run/secrets/token)\\" = expected-value"]
                    """), true));
            String buildId = local.submit(context, """
                    global:
                      kaniko-credentials: [{registry: "%s", username: ci, password: inline-password-1}]
                      secrets: [{id: token, secret: ci/build-token}]
                    bake:
                    - arch: amd64
                      kaniko: {destination: "%s/local/secret:1"}
                    """.formatted(registry, registry));

            JsonNode stopped = local.task("Run on Fargate", LocalTasks.RUN_TASK, ecsTask(buildId, "amd64"));

            String logs = local.call("GET", "/builds/" + buildId + "/logs", null).json().toString();
            assertThat(stopped.path("Containers").get(0).path("ExitCode").asInt()).as(logs).isZero();
            assertThat(local.call("GET", "/builds/" + buildId, null).json().path("tasks").get(0).path("status").asText())
                    .isEqualTo("SUCCEEDED");
            assertThat(logs).contains("logins for 1 registries written", "build secrets token written", "got ***")
                    .doesNotContain("expected-value", "inline-password-1");
        }
    }

    @Test
    void anAgentThatFailsFailsTheStateWithEcssStoppedTask() throws Exception {
        try (Harness local = Harness.start(dataDir)) {
            assertThatThrownBy(() -> local.task("Run on Fargate", LocalTasks.RUN_TASK,
                    ecsTask("b-20261122T100000-nosuchbuild", "amd64")))
                    .isInstanceOfSatisfying(TaskFailure.class, e -> {
                        assertThat(e.error()).isEqualTo("States.TaskFailed");
                        assertThat(e.cause()).contains("\"ExitCode\":2", "\"StopCode\":\"EssentialContainerExited\"");
                    });
            assertThatThrownBy(() -> local.task("Somewhere", "arn:aws:states:::sqs:sendMessage", json("{}")))
                    .isInstanceOfSatisfying(TaskFailure.class, e -> assertThat(e.error()).isEqualTo("States.Runtime"));
        }
    }

    @Test
    void cancellingABuildStopsItsAgentAndEverythingItStarted() throws Exception {
        try (Harness local = Harness.start(dataDir)) {
            String buildId = local.submit(local.upload(Harness.archive(Map.of("Dockerfile", "FROM scratch\n"), false)), """
                    bake:
                    - arch: amd64
                      pre-script: echo waiting; sleep 120
                      kaniko: {no-push: true}
                    """);
            CompletableFuture<Throwable> task = CompletableFuture.supplyAsync(() -> {
                try {
                    local.task("Run on Fargate", LocalTasks.RUN_TASK, ecsTask(buildId, "amd64"));
                    return null;
                } catch (Exception e) {
                    return e;
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!local.call("GET", "/builds/" + buildId + "/logs", null).json().toString().contains("waiting")) {
                assertThat(System.nanoTime()).as("the pre-script started").isLessThan(deadline);
                Thread.sleep(100);
            }
            // Everything but the store (dynalite), which serves bakery-local itself.
            List<ProcessHandle> started = new ArrayList<>(ProcessHandle.current().descendants()
                    .filter(p -> !p.info().commandLine().orElse("").contains("dynalite-child.js")).toList());
            assertThat(started).anyMatch(p -> p.info().commandLine().orElse("").contains("sleep 120"));

            assertThat(local.call("DELETE", "/builds/" + buildId, null).json().path("status").asText()).isEqualTo("CANCELLED");

            Throwable failure = task.get(30, TimeUnit.SECONDS);
            assertThat(failure).isInstanceOfSatisfying(TaskFailure.class,
                    e -> assertThat(e.error()).isEqualTo("States.TaskFailed"));
            for (ProcessHandle process : started) {
                process.onExit().get(20, TimeUnit.SECONDS);
            }
            assertThat(local.server.agents().count()).isZero();
            JsonNode build = local.call("GET", "/builds/" + buildId, null).json();
            assertThat(build.path("status").asText()).isEqualTo("CANCELLED");
            // Whichever came first: the cancel marking it, or the agent recording its interruption.
            assertThat(build.path("tasks").get(0).path("status").asText()).isIn("CANCELLED", "FAILED");
        }
    }
}
