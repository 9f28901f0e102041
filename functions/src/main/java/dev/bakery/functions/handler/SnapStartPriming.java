package dev.bakery.functions.handler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.PlanJson;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import dev.bakery.functions.api.ApiRequest;
import dev.bakery.functions.api.RestApi;
import dev.bakery.functions.contexts.ContextService;
import java.util.List;
import java.util.Map;

/**
 * Serves two requests that change nothing during a SnapStart init, so the snapshot already holds
 * the classes (loaded, linked, C1-compiled) and the warm connections of the request path: a
 * {@code GET} of a build that does not exist (DynamoDB GetItem, 404) and a submission whose context
 * was never uploaded (JSON and plan validation by {@code core}, S3 HeadObject, 422), i.e. rejected
 * before any write, secret or execution. Neither goes through the handler, so no metric is emitted.
 *
 * <p>SnapStart only: in an on-demand cold start this would just move the same work from the first
 * request into init, so it runs only when Lambda says the init is a SnapStart one. The snapshot's
 * pooled connections may be dead after a restore; the SDK retries I/O errors.
 */
final class SnapStartPriming {

    private static final String PRINCIPAL = "arn:aws:sts::000000000000:assumed-role/snapstart/priming";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SnapStartPriming() {
    }

    /** Lambda sets {@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start} for the init it snapshots. */
    static boolean wanted(Map<String, String> env) {
        return "snap-start".equals(env.get("AWS_LAMBDA_INITIALIZATION_TYPE"));
    }

    /**
     * @return the statuses answered: 404 and 422 when both requests went the whole way to DynamoDB
     *         and S3 (anything else means priming no longer covers the path it should)
     */
    static List<Integer> prime(RestApi api) {
        return List.of(api.handle(new ApiRequest("GET /builds/{id}", Map.of("id", "b-19700101T000000-snapstrt"), null, null,
                        PRINCIPAL, "snapstart-priming")).status(),
                api.handle(new ApiRequest("POST /builds", null, null, submission(), PRINCIPAL, "snapstart-priming")).status());
    }

    /** A valid two-architecture plan, as the CLI sends it, for a context nobody uploaded. */
    private static String submission() {
        var build = BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", """
                global:
                  kaniko: {destination: "registry.example.com/priming/app:1"}
                bake: [{arch: amd64}, {arch: arm64}]
                """))).builds().getFirst();
        ObjectNode body = JSON.createObjectNode();
        body.put("context", ContextService.key("0".repeat(64)));
        try {
            body.set("plan", JSON.readTree(PlanJson.write(build.plan())));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the priming plan does not serialize", e);
        }
        return body.toString();
    }
}
