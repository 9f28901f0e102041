package dev.bakery.functions.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.core.BakeryConfigException;
import dev.bakery.core.BuildPlan;
import dev.bakery.core.PlanJson;
import dev.bakery.core.Problem;
import dev.bakery.functions.builds.BuildIds;
import dev.bakery.functions.builds.BuildService;
import dev.bakery.functions.builds.LogSource;
import dev.bakery.functions.registry.Digests;
import dev.bakery.store.BuildPage;
import dev.bakery.store.BuildRecord;
import dev.bakery.store.InvalidPageTokenException;
import dev.bakery.core.status.BuildStatus;
import dev.bakery.store.TaskRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The REST API's routes over the services: parse and check the request, call the service, shape
 * the JSON answer. Every refusal is an {@link ApiException}; the caller turns it into its error JSON.
 */
public final class RestApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CONTEXT_KEY = Pattern.compile("contexts/[0-9a-f]{64}\\.tar\\.gz");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9_.:/-]{1,64}");
    private static final Set<String> SUBMIT_FIELDS = Set.of("context", "plan", "labels", "idempotencyKey", "inlinePasswords");

    private final BuildService builds;
    private final Function<JsonNode, JsonNode> contexts;
    private final int maxBodyBytes;

    /**
     * @param contexts     answers {@code POST /contexts} for a parsed body
     * @param maxBodyBytes bodies above this are refused before parsing
     */
    public RestApi(BuildService builds, Function<JsonNode, JsonNode> contexts, int maxBodyBytes) {
        this.builds = builds;
        this.contexts = contexts;
        this.maxBodyBytes = maxBodyBytes;
    }

    public ApiResponse handle(ApiRequest request) {
        try {
            return route(request);
        } catch (ApiException e) {
            return ApiResponse.error(e);
        } catch (InvalidPageTokenException e) {
            return ApiResponse.error(new ApiException(400, "invalid_next", e.getMessage(), "next"));
        }
    }

    private ApiResponse route(ApiRequest request) {
        return switch (request.route()) {
            case "POST /contexts" -> ApiResponse.of(200, contexts.apply(RequestBodies.object(request.body(), maxBodyBytes)));
            case "POST /builds" -> submit(request);
            case "GET /builds" -> list(request);
            case "GET /builds/{id}" -> ApiResponse.of(200, view(builds.get(buildId(request)), true));
            case "DELETE /builds/{id}" -> cancel(request);
            case "GET /builds/{id}/logs" -> logs(request);
            default -> throw new ApiException(404, "not_found", "no route " + request.route(), null);
        };
    }

    private ApiResponse submit(ApiRequest request) {
        JsonNode body = RequestBodies.object(request.body(), maxBodyBytes);
        RequestBodies.onlyFields(body, SUBMIT_FIELDS, "");
        String context = RequestBodies.text(body, "context", true, CONTEXT_KEY, "a key such as contexts/<sha256>.tar.gz");
        JsonNode planNode = body.get("plan");
        if (planNode == null || planNode.isNull()) {
            throw new ApiException(400, "missing_field", "plan is required", "plan");
        }
        if (!planNode.isObject()) {
            throw new ApiException(400, "invalid_type", "plan must be an object", "plan");
        }
        BuildPlan plan;
        try {
            plan = PlanJson.read("plan", planNode.toString());
        } catch (BakeryConfigException e) {
            Problem first = e.problems().getFirst();
            throw new ApiException(422, "invalid_plan", first.message(), "plan" + (first.path().isEmpty() ? "" : "." + first.path()));
        }
        Map<String, String> labels = RequestBodies.strings(body, "labels", 20, LABEL_KEY,
                "1 to 64 letters, digits or _ . : / -", 256);
        String idempotencyKey = RequestBodies.text(body, "idempotencyKey", false, IDEMPOTENCY_KEY,
                "1 to 128 letters, digits or _ . : -");
        Map<String, String> passwords = RequestBodies.strings(body, "inlinePasswords", 100, null, null, 4096);
        BuildService.Submitted submitted = builds.submit(new BuildService.Submission(context, plan, labels,
                idempotencyKey, passwords, requestHash(context, plan, labels, passwords)), principal(request));
        ObjectNode out = JSON.createObjectNode();
        out.put("buildId", submitted.buildId());
        out.put("status", submitted.status().name());
        out.put("consoleUrl", submitted.consoleUrl());
        return ApiResponse.of(submitted.created() ? 202 : 200, out);
    }

    private ApiResponse list(ApiRequest request) {
        int limit = intParam(request, "limit", 20, 1, 100);
        String status = request.query().get("status");
        BuildStatus wanted = null;
        if (status != null) {
            try {
                wanted = BuildStatus.valueOf(status.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "invalid_status", "status must be one of " + java.util.Arrays.toString(BuildStatus.values()), "status");
            }
        }
        BuildPage page = builds.list(limit, wanted, request.query().get("next"));
        ObjectNode out = JSON.createObjectNode();
        ArrayNode items = out.putArray("builds");
        page.builds().forEach(b -> items.add(view(b, false)));
        out.put("next", page.next());
        return ApiResponse.of(200, out);
    }

    private ApiResponse cancel(ApiRequest request) {
        String id = buildId(request);
        ObjectNode out = JSON.createObjectNode();
        out.put("buildId", id);
        out.put("status", builds.cancel(id, principal(request)).name());
        return ApiResponse.of(200, out);
    }

    private ApiResponse logs(ApiRequest request) {
        String id = buildId(request);
        long since = 0;
        String sinceText = request.query().get("since");
        if (sinceText != null) {
            try {
                since = sinceText.matches("\\d{1,15}") ? Long.parseLong(sinceText) : Instant.parse(sinceText).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new ApiException(400, "invalid_since", "since must be epoch milliseconds or an ISO-8601 instant", "since");
            }
        }
        LogSource.Page page = builds.logs(id, since, request.query().get("next"), intParam(request, "limit", 500, 1, 10_000));
        ObjectNode out = JSON.createObjectNode();
        ArrayNode lines = out.putArray("lines");
        for (LogSource.Line line : page.lines()) {
            ObjectNode l = lines.addObject();
            l.put("id", line.id());
            l.put("timestamp", line.timestamp());
            l.put("message", line.message());
        }
        out.put("next", page.next());
        return ApiResponse.of(200, out);
    }

    private ObjectNode view(BuildRecord build, boolean withTasks) {
        ObjectNode out = JSON.createObjectNode();
        out.put("buildId", build.id());
        out.put("status", build.status().name());
        out.put("service", build.plan().service());
        out.put("createdAt", build.createdAt().toString());
        out.put("updatedAt", build.updatedAt().toString());
        out.put("requester", build.requester());
        out.set("labels", JSON.valueToTree(new TreeMap<>(build.labels())));
        out.put("context", build.contextKey());
        out.put("consoleUrl", builds.consoleUrl(build));
        if (build.plan().index() != null) {
            out.put("index", build.plan().index().destination().toString());
        }
        out.put("indexDigest", build.indexDigest());
        out.put("error", build.error());
        if (withTasks) {
            ArrayNode tasks = out.putArray("tasks");
            for (TaskRecord task : builds.tasks(build.id())) {
                ObjectNode t = tasks.addObject();
                t.put("taskId", task.taskId());
                t.put("arch", task.arch());
                t.put("status", task.status().name());
                t.put("imageDigest", task.imageDigest());
                t.put("error", task.error());
                t.put("runner", task.runner());
            }
        }
        return out;
    }

    private static String buildId(ApiRequest request) {
        String id = request.pathParameters().get("id");
        if (!BuildIds.isValid(id)) {
            throw new ApiException(400, "invalid_build_id", "\"" + id + "\" is not a build id", "id");
        }
        return id;
    }

    private static String principal(ApiRequest request) {
        if (request.principal() == null || request.principal().isBlank()) {
            // API Gateway's IAM authorizer always sets it; its absence means a misconfigured route.
            throw new ApiException(403, "no_principal", "the request carries no IAM identity", null);
        }
        return request.principal();
    }

    private static int intParam(ApiRequest request, String name, int fallback, int min, int max) {
        String text = request.query().get(name);
        if (text == null) {
            return fallback;
        }
        if (!text.matches("\\d{1,9}") || Integer.parseInt(text) < min || Integer.parseInt(text) > max) {
            throw new ApiException(400, "invalid_" + name, name + " must be a whole number from " + min + " to " + max, name);
        }
        return Integer.parseInt(text);
    }

    /** Everything the caller asked for, so a retry can be told from a different request with the same key. */
    private static String requestHash(String context, BuildPlan plan, Map<String, String> labels, Map<String, String> passwords) {
        String canonical = context + "\n" + PlanJson.write(plan) + "\n" + new TreeMap<>(labels) + "\n"
                + Digests.sha256(new TreeMap<>(passwords).toString().getBytes(StandardCharsets.UTF_8));
        return Digests.sha256(canonical.getBytes(StandardCharsets.UTF_8));
    }
}
