package dev.bakery.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.PlanJson;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.PlannedBuild;
import dev.bakery.core.SourceFile;
import dev.bakery.functions.handler.RestApiHandler;
import dev.bakery.core.status.BuildStatus;
import dev.bakery.functions.testing.ApiHarness;
import dev.bakery.functions.testing.LambdaContexts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a client gets for a request the API refuses: the exact status and the exact
 * {@code {error, message, path}} body, on the emulators, and nothing started or stored.
 */
class MalformedRequestTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Small, so an oversized body is cheap to build. */
    private static final int MAX_BODY = 64 * 1024;
    private static final long MAX_CONTEXT = 1L << 30;
    private static final String UPLOADED_SHA = "f".repeat(64);
    private static final String UPLOADED = "contexts/" + UPLOADED_SHA + ".tar.gz";
    private static final String NOT_UPLOADED = "contexts/" + "9".repeat(64) + ".tar.gz";
    private static final String UNKNOWN_ID = "b-20990101T000000-aaaaaaaa-ghost";
    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    private static ApiHarness harness;

    @BeforeAll
    static void start() {
        harness = new ApiHarness(MAX_BODY, MAX_CONTEXT);
        harness.uploadedContext(UPLOADED_SHA);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    // ---- plans, built with core's planner and then bent --------------------------------------

    private static PlannedBuild planned(String config) {
        return BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", config))).builds().getFirst();
    }

    /** One amd64 task on ECS, no credentials: a plan the server accepts as is. */
    private static PlannedBuild plain() {
        return planned("""
                global:
                  kaniko: {destination: "registry.example.com/team/app:1.0"}
                bake: [{arch: amd64}]
                """);
    }

    /** Two arches and an inline password, as the CLI plans a config.yaml with kaniko-credentials. */
    private static PlannedBuild withInlinePassword() {
        return planned("""
                global:
                  kaniko-credentials:
                  - {registry: registry.example.com, username: builder, password: s3cr3t-inline}
                  kaniko: {destination: "registry.example.com/team/app:1.0"}
                bake: [{arch: amd64}, {arch: arm64}]
                """);
    }

    private static PlannedBuild onKubernetes() {
        return planned("""
                global:
                  platform: k8s
                  kaniko: {destination: "registry.example.com/team/app:1.0"}
                bake: [{arch: amd64}]
                """);
    }

    /** {@code POST /builds}'s body for a planned build, the way the CLI writes it. */
    private static ObjectNode submission(String context, PlannedBuild build) {
        ObjectNode body = JSON.createObjectNode();
        body.put("context", context);
        try {
            body.set("plan", JSON.readTree(PlanJson.write(build.plan())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        body.putObject("labels").put("git.sha", "0a1b2c3");
        body.set("inlinePasswords", JSON.valueToTree(build.inlinePasswords()));
        return body;
    }

    private static String submit(PlannedBuild build, Consumer<ObjectNode> change) {
        ObjectNode body = submission(UPLOADED, build);
        change.accept(body);
        return body.toString();
    }

    private static String submit(Consumer<ObjectNode> change) {
        return submit(plain(), change);
    }

    private static ObjectNode task0(ObjectNode body) {
        return (ObjectNode) body.path("plan").path("tasks").get(0);
    }

    // ---- the cases ------------------------------------------------------------------------------

    /** One refused request and the exact answer to it. */
    record Case(String route, Map<String, String> path, Map<String, String> query, String body, int status,
            String error, String message, String at) {
    }

    private static Arguments named(String name, Case c) {
        return Arguments.of(Named.of(name, c));
    }

    private static Arguments post(String name, String route, String body, int status, String error, String message, String at) {
        return named(name, new Case(route, Map.of(), Map.of(), body, status, error, message, at));
    }

    private static Arguments get(String name, String route, Map<String, String> path, Map<String, String> query,
            int status, String error, String message, String at) {
        return named(name, new Case(route, path, query, null, status, error, message, at));
    }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        // -- the body as a whole
        all.add(post("no body at all", "POST /builds", null, 400, "missing_body", "the request needs a JSON body", null));
        all.add(post("empty body", "POST /builds", "", 400, "missing_body", "the request needs a JSON body", null));
        all.add(post("blank body", "POST /builds", " \n\t", 400, "missing_body", "the request needs a JSON body", null));
        all.add(post("not JSON", "POST /builds", "context=contexts/x.tar.gz", 400, "invalid_json",
                "the body is not valid JSON at line 1, column 1: Unrecognized token 'context': was expecting "
                        + "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')", null));
        all.add(post("JSON cut short on line 3", "POST /builds", "{\n  \"context\": \"contexts/x.tar.gz\",\n  \"plan\": {", 400,
                "invalid_json", "the body is not valid JSON at line 3, column 12: Unexpected end-of-input: expected close "
                        + "marker for Object (opened at line 3, column 11)", null));
        all.add(post("a field name without quotes", "POST /builds", "{context: 1}", 400, "invalid_json",
                "the body is not valid JSON at line 1, column 2: Unexpected character ('c' (code 99)): was expecting "
                        + "double-quote to start field name", null));
        all.add(post("a JSON array", "POST /builds", "[{\"context\": \"" + UPLOADED + "\"}]", 400, "invalid_json",
                "the body must be a JSON object", null));
        all.add(post("a JSON string", "POST /builds", "\"hello\"", 400, "invalid_json", "the body must be a JSON object", null));
        all.add(post("JSON null", "POST /builds", "null", 400, "invalid_json", "the body must be a JSON object", null));
        all.add(post("trailing garbage after the object", "POST /builds", "{} {}", 400, "invalid_json",
                "the body is not valid JSON at line 1, column 4: unexpected content after the end of the JSON value", null));
        all.add(post("a field given twice", "POST /builds", "{\"context\": \"a\", \"context\": \"b\"}", 400, "invalid_json",
                "the body is not valid JSON at line 1, column 27: Duplicate field 'context'", null));
        all.add(post("JSON nested too deep", "POST /builds", "[".repeat(100) + "]".repeat(100), 400, "invalid_json",
                "the body is not valid JSON: Document nesting depth (65) exceeds the maximum allowed (64)", null));
        String big = submit(b -> b.putObject("labels").put("padding", "x".repeat(MAX_BODY)));
        all.add(post("body over the size limit", "POST /builds", big, 413, "body_too_large",
                "the body is " + big.getBytes(StandardCharsets.UTF_8).length + " bytes; the limit is " + MAX_BODY, null));
        String bigGarbage = "{" + "x".repeat(MAX_BODY);
        all.add(post("oversized body refused before it is parsed", "POST /builds", bigGarbage, 413, "body_too_large",
                "the body is " + (MAX_BODY + 1) + " bytes; the limit is " + MAX_BODY, null));
        String bigContexts = "{\"sha256\": \"" + "e".repeat(64) + "\", \"size\": 3, \"pad\": \"" + "é".repeat(MAX_BODY / 2) + "\"}";
        all.add(post("oversized POST /contexts body, counted in UTF-8 bytes", "POST /contexts", bigContexts, 413, "body_too_large",
                "the body is " + bigContexts.getBytes(StandardCharsets.UTF_8).length + " bytes; the limit is " + MAX_BODY, null));
        // -- top-level fields
        all.add(post("unknown top-level field", "POST /builds", submit(b -> b.put("lables", "x")), 400, "unknown_field",
                "unknown field \"lables\" (expected context, idempotencyKey, inlinePasswords, labels, plan)", "lables"));
        all.add(post("missing context", "POST /builds", submit(b -> b.remove("context")), 400, "missing_field",
                "context is required", "context"));
        all.add(post("context null", "POST /builds", submit(b -> b.putNull("context")), 400, "missing_field",
                "context is required", "context"));
        all.add(post("context not a string", "POST /builds", submit(b -> b.put("context", 42)), 400, "invalid_type",
                "context must be a string", "context"));
        all.add(post("context with a bad key format", "POST /builds", submit(b -> b.put("context", "contexts/ABC.tar.gz")),
                400, "invalid_context", "context must be a key such as contexts/<sha256>.tar.gz", "context"));
        all.add(post("context outside contexts/", "POST /builds",
                submit(b -> b.put("context", "../contexts/" + UPLOADED_SHA + ".tar.gz")),
                400, "invalid_context", "context must be a key such as contexts/<sha256>.tar.gz", "context"));
        all.add(post("context not uploaded", "POST /builds", submit(b -> b.put("context", NOT_UPLOADED)), 422,
                "context_missing", "the context " + NOT_UPLOADED
                        + " has not been uploaded: POST /contexts, upload it, then submit", "context"));
        // -- the plan
        all.add(post("missing plan", "POST /builds", submit(b -> b.remove("plan")), 400, "missing_field",
                "plan is required", "plan"));
        all.add(post("plan not an object", "POST /builds", submit(b -> b.put("plan", "default")), 400, "invalid_type",
                "plan must be an object", "plan"));
        all.add(post("plan an array", "POST /builds", submit(b -> b.putArray("plan")), 400, "invalid_type",
                "plan must be an object", "plan"));
        all.add(post("plan with an unknown arch", "POST /builds", submit(b -> task0(b).put("arch", "mips")), 422,
                "invalid_plan", "invalid plan: unknown arch \"mips\" (use amd64 or arm64)", "plan.tasks[0].arch"));
        all.add(post("plan with a non-Fargate cpu/memory pair", "POST /builds",
                submit(b -> ((ObjectNode) task0(b).path("resources")).put("milliCpu", 250).put("memoryMiB", 8192)), 422,
                "invalid_plan", "invalid plan: task amd64: 0.25 vCPU, 8 GiB is not a Fargate size", "plan.tasks[0]"));
        all.add(post("plan pushing to a digest", "POST /builds",
                submit(b -> task0(b).putArray("destinations").add("registry.example.com/team/app@" + DIGEST)), 422,
                "invalid_plan", "invalid plan: task amd64: cannot push to a digest: registry.example.com/team/app@" + DIGEST,
                "plan.tasks[0]"));
        all.add(post("plan with an unknown field", "POST /builds", submit(b -> task0(b).put("cpu", "1")), 422,
                "invalid_plan", "invalid plan: unknown field \"cpu\" (expected arch, credentials, destinations, env, id, "
                        + "imagePullCredentials, kaniko, platform, postScript, preScript, resources, secrets, spot, "
                        + "timeoutSeconds, variant)", "plan.tasks[0].cpu"));
        all.add(post("plan without tasks", "POST /builds", submit(b -> ((ObjectNode) b.path("plan")).putArray("tasks")), 422,
                "invalid_plan", "invalid plan: a plan needs at least one task", "plan"));
        all.add(post("plan with a timeout as text", "POST /builds", submit(b -> task0(b).put("timeoutSeconds", "ten")), 422,
                "invalid_plan",
                "invalid plan: Cannot deserialize value of type `int` from String \"ten\": not a valid `int` value",
                "plan.tasks[0].timeoutSeconds"));
        // -- labels, idempotency key, inline passwords
        all.add(post("labels not an object", "POST /builds", submit(b -> b.putArray("labels").add("git.sha=0a1b2c3")), 400,
                "invalid_type", "labels must be an object of strings", "labels"));
        all.add(post("a label value not a string", "POST /builds",
                submit(b -> ((ObjectNode) b.path("labels")).put("pr", 17)), 400, "invalid_type",
                "labels.pr must be a string", "labels.pr"));
        all.add(post("a label key with a space", "POST /builds",
                submit(b -> ((ObjectNode) b.path("labels")).put("ci url", "x")), 400, "invalid_key",
                "invalid key \"ci url\" in labels: keys are 1 to 64 letters, digits or _ . : / -", "labels.ci url"));
        all.add(post("too many labels", "POST /builds", submit(b -> {
            ObjectNode labels = b.putObject("labels");
            for (int i = 0; i < 21; i++) {
                labels.put("l" + i, "v");
            }
        }), 400, "too_many_labels", "labels may hold at most 20 entries", "labels"));
        all.add(post("a label value too long", "POST /builds",
                submit(b -> ((ObjectNode) b.path("labels")).put("ci.url", "x".repeat(257))), 400, "value_too_long",
                "labels.ci.url is longer than 256 characters", "labels.ci.url"));
        all.add(post("idempotencyKey with bad characters", "POST /builds", submit(b -> b.put("idempotencyKey", "run 42/retry")),
                400, "invalid_idempotencyKey", "idempotencyKey must be 1 to 128 letters, digits or _ . : -", "idempotencyKey"));
        all.add(post("idempotencyKey not a string", "POST /builds", submit(b -> b.put("idempotencyKey", 42)),
                400, "invalid_type", "idempotencyKey must be a string", "idempotencyKey"));
        all.add(post("an inline password the plan does not use", "POST /builds",
                submit(b -> b.putObject("inlinePasswords").put("extra", "hunter2")), 400, "unused_password",
                "inline password extra is not referenced by the plan", "inlinePasswords.extra"));
        all.add(post("an inline password the plan uses but that was not sent", "POST /builds",
                submit(withInlinePassword(), b -> b.remove("inlinePasswords")), 422, "missing_password",
                "the plan refers to the inline password global.kaniko-credentials[0] but none was sent", "inlinePasswords"));
        all.add(post("an inline password that is not a string", "POST /builds",
                submit(withInlinePassword(), b -> ((ObjectNode) b.path("inlinePasswords")).put("global.kaniko-credentials[0]", 7)),
                400, "invalid_type", "inlinePasswords.global.kaniko-credentials[0] must be a string",
                "inlinePasswords.global.kaniko-credentials[0]"));
        all.add(post("a k8s task with no bridge connected", "POST /builds", submit(onKubernetes(), b -> { }), 422,
                "platform_unavailable", "task amd64 asks for platform k8s, but no Kubernetes bridge is connected to this deployment",
                "plan.tasks[0].platform"));
        // -- reading and cancelling builds
        for (String route : List.of("GET /builds/{id}", "DELETE /builds/{id}", "GET /builds/{id}/logs")) {
            all.add(get(route + " with an invalid build id", route, Map.of("id", "build 7"), Map.of(), 400, "invalid_build_id",
                    "\"build 7\" is not a build id", "id"));
            all.add(get(route + " with an unknown build id", route, Map.of("id", UNKNOWN_ID), Map.of(), 404, "not_found",
                    "no build " + UNKNOWN_ID, null));
        }
        all.add(get("GET /builds/{id} with an id too long", "GET /builds/{id}", Map.of("id", "b-" + "a".repeat(79)), Map.of(),
                400, "invalid_build_id", "\"b-" + "a".repeat(79) + "\" is not a build id", "id"));
        // -- listing
        all.add(get("list with limit 0", "GET /builds", Map.of(), Map.of("limit", "0"), 400, "invalid_limit",
                "limit must be a whole number from 1 to 100", "limit"));
        all.add(get("list with limit 101", "GET /builds", Map.of(), Map.of("limit", "101"), 400, "invalid_limit",
                "limit must be a whole number from 1 to 100", "limit"));
        all.add(get("list with limit -1", "GET /builds", Map.of(), Map.of("limit", "-1"), 400, "invalid_limit",
                "limit must be a whole number from 1 to 100", "limit"));
        all.add(get("list with limit ten", "GET /builds", Map.of(), Map.of("limit", "ten"), 400, "invalid_limit",
                "limit must be a whole number from 1 to 100", "limit"));
        all.add(get("list with an unknown status", "GET /builds", Map.of(), Map.of("status", "DONE"), 400, "invalid_status",
                "status must be one of [QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED]", "status"));
        all.add(get("list with a next token that is not base64", "GET /builds", Map.of(), Map.of("next", "!!not a token!!"),
                400, "invalid_next", "next is not a token this API gave out", "next"));
        all.add(get("list with a forged next token", "GET /builds", Map.of(), Map.of("next", token(Map.of("pk", "BUILD#x"))),
                400, "invalid_next", "next is not a token this API gave out", "next"));
        all.add(get("list with a next token of the wrong shape", "GET /builds", Map.of(),
                Map.of("next", Base64.getUrlEncoder().encodeToString("[1,2]".getBytes(StandardCharsets.UTF_8))),
                400, "invalid_next", "next is not a token this API gave out", "next"));
        all.add(get("list with a next token of JSON null", "GET /builds", Map.of(),
                Map.of("next", Base64.getUrlEncoder().encodeToString("null".getBytes(StandardCharsets.UTF_8))),
                400, "invalid_next", "next is not a token this API gave out", "next"));
        all.add(get("list with a next token for another listing", "GET /builds", Map.of(), Map.of("next",
                token(Map.of("pk", "BUILD#b-x", "sk", "META", "gsi1pk", "SOMEONE-ELSES", "gsi1sk", "2024-01-01T00:00:00Z#b-x"))),
                400, "invalid_next", "next is not a token this API gave out", "next"));
        all.add(get("list with a next token with an empty key value", "GET /builds", Map.of(), Map.of("next",
                token(Map.of("pk", "", "sk", "META", "gsi1pk", "BUILDS", "gsi1sk", "2024-01-01T00:00:00Z#b-x"))),
                400, "invalid_next", "next is not a token this API gave out", "next"));
        // -- logs
        all.add(get("logs with since not a time", "GET /builds/{id}/logs", Map.of("id", UNKNOWN_ID), Map.of("since", "yesterday"),
                400, "invalid_since", "since must be epoch milliseconds or an ISO-8601 instant", "since"));
        all.add(get("logs with since a local date", "GET /builds/{id}/logs", Map.of("id", UNKNOWN_ID),
                Map.of("since", "2024-05-01T10:00:00"), 400, "invalid_since",
                "since must be epoch milliseconds or an ISO-8601 instant", "since"));
        all.add(get("logs with limit 0", "GET /builds/{id}/logs", Map.of("id", UNKNOWN_ID), Map.of("limit", "0"),
                400, "invalid_limit", "limit must be a whole number from 1 to 10000", "limit"));
        // -- POST /contexts
        all.add(post("contexts with an upper-case sha256", "POST /contexts",
                "{\"sha256\": \"" + "A".repeat(64) + "\", \"size\": 3, \"partSize\": 67108864, \"parts\": []}", 400, "invalid_digest",
                "sha256 must be 64 lowercase hex characters", "sha256"));
        all.add(post("contexts with a short sha256", "POST /contexts", "{\"sha256\": \"abc\", \"size\": 3, \"partSize\": 67108864, \"parts\": []}", 400, "invalid_digest",
                "sha256 must be 64 lowercase hex characters", "sha256"));
        all.add(post("contexts without sha256", "POST /contexts", "{\"size\": 3, \"partSize\": 67108864, \"parts\": []}", 400, "missing_field",
                "sha256 is required", "sha256"));
        all.add(post("contexts with a negative size", "POST /contexts", "{\"sha256\": \"" + "e".repeat(64) + "\", \"size\": -1, \"partSize\": 67108864, \"parts\": []}",
                400, "invalid_size", "size must be a positive integer (the archive's length in bytes)", "size"));
        all.add(post("contexts with size 0", "POST /contexts", "{\"sha256\": \"" + "e".repeat(64) + "\", \"size\": 0, \"partSize\": 67108864, \"parts\": []}",
                400, "invalid_size", "size must be a positive integer (the archive's length in bytes)", "size"));
        all.add(post("contexts with a size over the maximum", "POST /contexts",
                "{\"sha256\": \"" + "e".repeat(64) + "\", \"size\": " + (2 * MAX_CONTEXT) + ", \"partSize\": 67108864, \"parts\": []}", 413, "context_too_large",
                "the build context is 2048 MiB; the largest accepted is 1024 MiB", "size"));
        all.add(post("contexts with an unknown field", "POST /contexts",
                "{\"sha256\": \"" + "e".repeat(64) + "\", \"size\": 3, \"name\": \"app\"}", 400, "unknown_field",
                "unknown field \"name\" (expected partSize, parts, sha256, size)", "name"));
        all.add(post("contexts with size as a string", "POST /contexts", "{\"sha256\": \"" + "e".repeat(64) + "\", \"size\": \"3\"}",
                400, "invalid_type", "size must be a whole number", "size"));
        all.add(post("contexts with a fractional size", "POST /contexts", "{\"sha256\": \"" + "e".repeat(64) + "\", \"size\": 1.5}",
                400, "invalid_type", "size must be a whole number", "size"));
        all.add(post("contexts with a size beyond a long", "POST /contexts",
                "{\"sha256\": \"" + "e".repeat(64) + "\", \"size\": 99999999999999999999}",
                400, "out_of_range", "size 99999999999999999999 is out of range", "size"));
        all.add(post("contexts without parts", "POST /contexts",
                "{\"sha256\": \"" + "e".repeat(64) + "\", \"size\": 3, \"partSize\": 67108864}", 400, "missing_field",
                "parts is required", "parts"));
        all.add(post("contexts with a part that is not a string", "POST /contexts",
                "{\"sha256\": \"" + "e".repeat(64) + "\", \"size\": 3, \"partSize\": 67108864, \"parts\": [3]}", 400,
                "invalid_type", "parts[0] must be a string", "parts[0]"));
        all.add(post("contexts with parts too small for S3", "POST /contexts",
                "{\"sha256\": \"" + "e".repeat(64) + "\", \"size\": 3, \"partSize\": 1024, \"parts\": []}", 400,
                "invalid_part_size", "partSize must be 5242880 to 5368709120 bytes (S3's part sizes)", "partSize"));
        all.add(post("contexts with a JSON array", "POST /contexts", "[]", 400, "invalid_json", "the body must be a JSON object", null));
        // -- routes
        all.add(get("an unknown route", "PATCH /builds/{id}", Map.of("id", UNKNOWN_ID), Map.of(), 404, "not_found",
                "no route PATCH /builds/{id}", null));
        return all.stream();
    }

    private static String token(Map<String, String> key) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(key));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusesWithTheExactError(Case c) throws Exception {
        int executions = harness.aws.executions().size();
        int secrets = harness.aws.storedSecrets().size();

        ApiResponse response = harness.call(c.route(), c.path(), c.query(), c.body());

        assertThat(response.status()).as(response.body()).isEqualTo(c.status());
        assertThat(JSON.readTree(response.body())).isEqualTo(error(c.error(), c.message(), c.at()));
        assertThat(harness.aws.executions()).as("nothing started").hasSize(executions);
        assertThat(harness.aws.storedSecrets()).as("no secret stored").hasSize(secrets);
    }

    private static JsonNode error(String code, String message, String path) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", code);
        body.put("message", message);
        if (path != null) {
            body.put("path", path);
        }
        return body;
    }

    private static JsonNode json(ApiResponse response) throws Exception {
        return JSON.readTree(response.body());
    }

    // ---- cases that need something in place first ------------------------------------------------

    @Test
    void theSameIdempotencyKeyWithADifferentBodyIsAConflict() throws Exception {
        ApiResponse first = harness.call("POST /builds", Map.of(), Map.of(), submit(b -> b.put("idempotencyKey", "ci-run-77")));
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        String buildId = json(first).path("buildId").asText();
        int executions = harness.aws.executions().size();

        ApiResponse other = harness.call("POST /builds", Map.of(), Map.of(), submit(b -> {
            b.put("idempotencyKey", "ci-run-77");
            ((ObjectNode) b.path("labels")).put("git.sha", "ffffff0");
        }));

        assertThat(other.status()).as(other.body()).isEqualTo(409);
        assertThat(json(other)).isEqualTo(error("idempotency_conflict", "idempotency key ci-run-77 was already used for a "
                + "different request (build " + buildId + ")", "idempotencyKey"));
        assertThat(harness.aws.executions()).hasSize(executions);
    }

    @Test
    void cancellingAFinishedBuildIsAConflict() throws Exception {
        ApiResponse submitted = harness.call("POST /builds", Map.of(), Map.of(), submit(b -> { }));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        String buildId = json(submitted).path("buildId").asText();
        assertThat(harness.store.transition(buildId, Set.of(BuildStatus.QUEUED), BuildStatus.SUCCEEDED, null)).isTrue();

        ApiResponse cancel = harness.call("DELETE /builds/{id}", Map.of("id", buildId), Map.of(), null);

        assertThat(cancel.status()).as(cancel.body()).isEqualTo(409);
        assertThat(json(cancel)).isEqualTo(error("already_finished", "build " + buildId + " already finished: SUCCEEDED", null));
        assertThat(harness.aws.bodies("StopExecution")).noneSatisfy(
                b -> assertThat(b.path("executionArn").asText()).endsWith(":" + buildId));
        assertThat(harness.store.build(buildId).orElseThrow().status()).isEqualTo(BuildStatus.SUCCEEDED);
    }

    // ---- through the Lambda handler ---------------------------------------------------------------

    private static APIGatewayProxyRequestEvent event(String method, String resource, Map<String, String> path, String body,
            String userArn) {
        APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent().withHttpMethod(method).withResource(resource)
                .withPath(resource.replace("{id}", path.getOrDefault("id", ""))).withPathParameters(path.isEmpty() ? null : path)
                .withHeaders(Map.of("Content-Type", "application/json"));
        if (body != null) {
            event.withBody(Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8))).withIsBase64Encoded(true);
        }
        event.withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext().withRequestId("api-req-1")
                .withIdentity(new APIGatewayProxyRequestEvent.RequestIdentity().withUserArn(userArn)));
        return event;
    }

    @Test
    void theHandlerDecodesBase64BodiesReadsPathParametersAndRecordsTheCallersArn() throws Exception {
        RestApiHandler handler = new RestApiHandler(harness.api);
        String userArn = "arn:aws:sts::444455556666:assumed-role/release/jenkins";

        APIGatewayProxyResponseEvent created = handler.handleRequest(event("POST", "/builds", Map.of(),
                submit(b -> b.putObject("labels").put("ci.url", "https://ci.example.com/run/8")), userArn), null);

        assertThat(created.getStatusCode()).as(created.getBody()).isEqualTo(202);
        assertThat(created.getHeaders()).containsEntry("Content-Type", "application/json");
        String buildId = JSON.readTree(created.getBody()).path("buildId").asText();

        APIGatewayProxyResponseEvent view = handler.handleRequest(event("GET", "/builds/{id}", Map.of("id", buildId), null,
                userArn), null);
        assertThat(view.getStatusCode()).as(view.getBody()).isEqualTo(200);
        assertThat(view.getHeaders()).containsEntry("Content-Type", "application/json");
        JsonNode build = JSON.readTree(view.getBody());
        assertThat(build.path("buildId").asText()).isEqualTo(buildId);
        assertThat(build.path("requester").asText()).isEqualTo(userArn);
        assertThat(build.path("labels").path("ci.url").asText()).isEqualTo("https://ci.example.com/run/8");

        APIGatewayProxyResponseEvent badLimit = handler.handleRequest(event("GET", "/builds", Map.of(), null, userArn)
                .withQueryStringParameters(Map.of("limit", "101")), null);
        assertThat(badLimit.getStatusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badLimit.getBody())).isEqualTo(error("invalid_limit", "limit must be a whole number from 1 to 100",
                "limit"));

        APIGatewayProxyResponseEvent refused = handler.handleRequest(event("POST", "/builds", Map.of(),
                "[\"not\", \"an\", \"object\"]", userArn), null);
        assertThat(refused.getStatusCode()).isEqualTo(400);
        assertThat(refused.getHeaders()).containsEntry("Content-Type", "application/json");
        assertThat(JSON.readTree(refused.getBody())).isEqualTo(error("invalid_json", "the body must be a JSON object", null));
    }

    @Test
    void theHandlerRefusesARequestWithoutAnIamIdentity() throws Exception {
        RestApiHandler handler = new RestApiHandler(harness.api);

        APIGatewayProxyResponseEvent response = handler.handleRequest(event("POST", "/builds", Map.of(), submit(b -> { }), null),
                null);

        assertThat(response.getStatusCode()).isEqualTo(403);
        assertThat(JSON.readTree(response.getBody())).isEqualTo(error("no_principal", "the request carries no IAM identity", null));
    }

    @Test
    void anUnexpectedFailureIsA500WithoutDetails() throws Exception {
        ApiHarness broken = new ApiHarness(MAX_BODY, MAX_CONTEXT);
        try {
            broken.dynamo.close(); // the store is gone
            RestApiHandler handler = new RestApiHandler(broken.api);

            APIGatewayProxyResponseEvent response = handler.handleRequest(event("GET", "/builds/{id}",
                    Map.of("id", UNKNOWN_ID), null, ApiHarness.PRINCIPAL), LambdaContexts.forRequest("7f3c-req"));

            assertThat(response.getStatusCode()).isEqualTo(500);
            assertThat(response.getHeaders()).containsEntry("Content-Type", "application/json");
            assertThat(JSON.readTree(response.getBody())).isEqualTo(JSON.readTree(
                    "{\"error\":\"internal_error\",\"message\":\"something went wrong (request 7f3c-req)\"}"));
        } finally {
            broken.close();
        }
    }
}
