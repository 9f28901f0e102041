package dev.bakery.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bakery.core.status.BuildStatus;
import dev.bakery.store.BuildStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** bakery-local as the CLI sees it: REST and WebSocket on one loopback port, over the real handlers. */
class LocalServerTest {

    private static final String CONFIG = """
            bake:
            - arch: amd64
              kaniko: {destination: "127.0.0.1:1/app:1"}
            """;

    @TempDir
    Path dataDir;

    @Test
    void restRoundTripUploadsTheContextOnceAndListsTheSubmittedBuild() throws Exception {
        try (Harness local = Harness.start(dataDir)) {
            byte[] archive = Harness.archive(Map.of("Dockerfile", "FROM scratch\n"), false);
            String key = local.upload(archive);
            assertThat(key).matches("contexts/[0-9a-f]{64}\\.tar\\.gz");
            // The presigned PUT landed in S3Proxy: the second offer says so.
            String sha256 = key.substring("contexts/".length(), key.length() - ".tar.gz".length());
            Harness.Answer again = local.call("POST", "/contexts", Map.of("sha256", sha256, "size", archive.length,
                "partSize", dev.bakery.core.api.ApiModel.ContextClaim.DEFAULT_PART_SIZE, "parts", java.util.List.of(sha256)));
            assertThat(again.json().path("exists").asBoolean()).isTrue();

            String buildId = local.submit(key, CONFIG);

            assertThat(local.starts.started).singleElement().satisfies(run -> {
                assertThat(run.name()).isEqualTo(buildId);
                assertThat(run.input().path("tasks").get(0).path("taskDefinition").asText())
                        .isEqualTo(LocalAws.TASK_DEFINITION_AMD64);
            });
            Harness.Answer list = local.call("GET", "/builds", null);
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.json().path("builds").get(0).path("buildId").asText()).isEqualTo(buildId);
            Harness.Answer one = local.call("GET", "/builds/" + buildId, null);
            assertThat(one.json().path("status").asText()).isEqualTo("QUEUED");
            assertThat(one.json().path("requester").asText()).isEqualTo(LocalAws.PRINCIPAL);
            assertThat(one.json().path("consoleUrl").asText()).isEqualTo(local.server.restUri() + "/builds/" + buildId);
            assertThat(one.json().path("tasks").get(0).path("status").asText()).isEqualTo("PENDING");
        }
    }

    @Test
    void unknownRoutesAndBadRequestsGetTheApisJsonErrors() throws Exception {
        try (Harness local = Harness.start(dataDir)) {
            Harness.Answer unknown = local.call("GET", "/nothing/here", null);
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().path("error").asText()).isEqualTo("not_found");
            Harness.Answer missing = local.call("GET", "/builds/b-20260101T000000-nosuchbuild", null);
            assertThat(missing.status()).isEqualTo(404);
            Harness.Answer notJson = local.call("POST", "/builds", "{nope");
            assertThat(notJson.status()).isEqualTo(400);
            assertThat(notJson.json().path("message").asText()).isNotBlank();
        }
    }

    @Test
    void cancelStopsTheExecution() throws Exception {
        try (Harness local = Harness.start(dataDir)) {
            String buildId = local.submit(local.upload(Harness.archive(Map.of("Dockerfile", "FROM scratch\n"), false)), CONFIG);

            Harness.Answer cancelled = local.call("DELETE", "/builds/" + buildId, null);

            assertThat(cancelled.status()).isEqualTo(200);
            assertThat(cancelled.json().path("status").asText()).isEqualTo("CANCELLED");
            assertThat(local.starts.started.getFirst().done()).isDone();
        }
    }

    @Test
    void webSocketSubscribersGetStatusChangesAndLogLinesThatReplayWithTheSameIds() throws Exception {
        try (Harness local = Harness.start(dataDir); Harness.Socket socket = local.connect()) {
            String buildId = local.submit(local.upload(Harness.archive(Map.of("Dockerfile", "FROM scratch\n"), false)), CONFIG);
            socket.send(Map.of("action", "subscribe", "buildId", buildId));
            JsonNode subscribed = socket.await(m -> m.path("type").asText().equals("status"), 10);
            assertThat(subscribed.path("status").asText()).isEqualTo("QUEUED");

            // What the state machine's first step does: the store's change feed and the real notifier tell the subscriber.
            try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(local.server.dynamoEndpoint())
                    .region(LocalAws.REGION).credentialsProvider(local.server.keys().provider())
                    .httpClient(UrlConnectionHttpClient.create()).build()) {
                new BuildStore(dynamo, LocalAws.TABLE, Clock.systemUTC()).transition(buildId, Set.of(BuildStatus.QUEUED),
                        BuildStatus.RUNNING, null);
            }
            JsonNode running = socket.await(m -> m.path("type").asText().equals("status")
                    && m.path("status").asText().equals("RUNNING"), 10);
            assertThat(running.path("buildId").asText()).isEqualTo(buildId);

            // An agent's line and a stray line, through the pipeline and the real forwarder.
            String line = "{\"ts\":\"2026-11-22T10:00:00Z\",\"buildId\":\"" + buildId
                    + "\",\"taskId\":\"amd64\",\"arch\":\"amd64\",\"step\":\"build\",\"level\":\"info\",\"msg\":\"STEP 1/1\"}";
            local.server.logs().accept(buildId, "amd64", line, false);
            local.server.logs().accept(buildId, "amd64", "Exception in thread main", true);
            JsonNode log = socket.await(m -> m.path("type").asText().equals("log"), 10);
            JsonNode first = log.path("lines").get(0);
            assertThat(first.path("msg").asText()).isEqualTo("STEP 1/1");
            assertThat(first.path("step").asText()).isEqualTo("build");

            JsonNode replay = local.call("GET", "/builds/" + buildId + "/logs", null).json();
            assertThat(replay.path("lines")).hasSize(2);
            assertThat(replay.path("lines").get(0).path("id").asText()).isEqualTo(first.path("id").asText());
            assertThat(replay.path("lines").get(0).path("message").asText()).isEqualTo(line);
            JsonNode wrapped = Harness.JSON.readTree(replay.path("lines").get(1).path("message").asText());
            assertThat(wrapped.path("msg").asText()).isEqualTo("Exception in thread main");
            assertThat(wrapped.path("level").asText()).isEqualTo("warn");
            assertThat(wrapped.path("taskId").asText()).isEqualTo("amd64");
        }
    }

    @Test
    void aRestartOnTheSameDataDirKeepsHistoryAndFailsBuildsItInterrupted() throws Exception {
        String buildId;
        try (Harness local = Harness.start(dataDir)) {
            buildId = local.submit(local.upload(Harness.archive(Map.of("Dockerfile", "FROM scratch\n"), false)), CONFIG);
            local.server.logs().accept(buildId, "amd64", "before the restart", false);
            JsonNode endpoint = Harness.JSON.readTree(dataDir.resolve("endpoint.json").toFile());
            assertThat(endpoint.path("rest").asText()).isEqualTo(local.server.restUri().toString());
            assertThat(endpoint.path("websocket").asText()).isEqualTo(local.server.webSocketUri().toString());
            assertThat(endpoint.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
            waitForLogLines(local, buildId, 1);
        }
        assertThat(dataDir.resolve("endpoint.json")).doesNotExist();

        try (Harness again = Harness.start(dataDir)) {
            JsonNode builds = again.call("GET", "/builds", null).json().path("builds");
            assertThat(builds).hasSize(1);
            assertThat(builds.get(0).path("buildId").asText()).isEqualTo(buildId);
            assertThat(builds.get(0).path("status").asText()).isEqualTo("FAILED");
            assertThat(builds.get(0).path("error").asText()).contains("the control plane (bakery-local) stopped");
            JsonNode lines = again.call("GET", "/builds/" + buildId + "/logs", null).json().path("lines");
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0).path("message").asText()).contains("before the restart");
        }
    }

    private static void waitForLogLines(Harness local, String buildId, int count) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (local.call("GET", "/builds/" + buildId + "/logs", null).json().path("lines").size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the log lines were not stored");
            }
            Thread.sleep(50);
        }
    }
}
