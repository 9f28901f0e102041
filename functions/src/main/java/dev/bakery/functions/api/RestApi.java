package dev.bakery.functions.api;

import dev.bakery.functions.errors.Refusal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bakery.core.BakeryConfigException;
import dev.bakery.core.BuildPlan;
import dev.bakery.core.PlanJson;
import dev.bakery.core.Problem;
import dev.bakery.core.UnsafePathException;
import dev.bakery.core.api.ApiModel;
import dev.bakery.core.BuildId;
import dev.bakery.functions.builds.BuildService;
import dev.bakery.functions.builds.LogSource;
import dev.bakery.functions.contexts.ContextService;
import dev.bakery.core.Digests;
import dev.bakery.store.BuildPage;
import dev.bakery.store.BuildRecord;
import dev.bakery.store.InvalidPageTokenException;
import dev.bakery.core.status.BuildStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The REST API's routes over the services: parse and check the request, call the service, shape
 * the answer as one of {@link ApiModel}'s records. Services refuse with a {@link Refusal}; this layer
 * alone turns it into an HTTP status and the error JSON.
 */
public final class RestApi {

    private static final Pattern CONTEXT_KEY = Pattern.compile("contexts/[0-9a-f]{64}\\.tar\\.gz");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9_.:/-]{1,64}");
    private static final Set<String> SUBMIT_FIELDS = Set.of("context", "plan", "labels", "idempotencyKey", "inlinePasswords");
    private static final Set<String> CONTEXT_FIELDS = Set.of("sha256", "size", "partSize", "parts");

    private final BuildService builds;
    private final ContextService contexts;
    private final int maxBodyBytes;

    /** @param maxBodyBytes bodies above this are refused before parsing */
    public RestApi(BuildService builds, ContextService contexts, int maxBodyBytes) {
        this.builds = builds;
        this.contexts = contexts;
        this.maxBodyBytes = maxBodyBytes;
    }

    public ApiResponse handle(ApiRequest request) {
        try {
            return route(request);
        } catch (Refusal e) {
            return ApiResponse.error(e);
        } catch (InvalidPageTokenException e) {
            return ApiResponse.error(new Refusal(Refusal.Kind.INVALID, "invalid_next", e.getMessage(), "next"));
        }
    }

    private ApiResponse route(ApiRequest request) {
        return switch (request.route()) {
            case "POST /contexts" -> offerContext(request);
            case "POST /builds" -> submit(request);
            case "GET /builds" -> list(request);
            case "GET /builds/{id}" -> ApiResponse.of(200, view(builds.get(buildId(request), principal(request)), true));
            case "DELETE /builds/{id}" -> cancel(request);
            case "GET /builds/{id}/logs" -> logs(request);
            default -> throw new Refusal(Refusal.Kind.NOT_FOUND, "not_found", "no route " + request.route(), null);
        };
    }

    private ApiResponse offerContext(ApiRequest request) {
        JsonNode body = RequestBodies.object(request.body(), maxBodyBytes);
        RequestBodies.onlyFields(body, CONTEXT_FIELDS, "");
        return ApiResponse.of(200, ContextOffers.toWire(contexts.offer(RequestBodies.text(body, "sha256", true, null, null),
                RequestBodies.number(body, "size"), RequestBodies.number(body, "partSize"),
                RequestBodies.texts(body, "parts", ContextService.MAX_PARTS))));
    }

    private ApiResponse submit(ApiRequest request) {
        JsonNode body = RequestBodies.object(request.body(), maxBodyBytes);
        RequestBodies.onlyFields(body, SUBMIT_FIELDS, "");
        String context = RequestBodies.text(body, "context", true, CONTEXT_KEY, "a key such as contexts/<sha256>.tar.gz");
        JsonNode planNode = body.get("plan");
        if (planNode == null || planNode.isNull()) {
            throw new Refusal(Refusal.Kind.INVALID, "missing_field", "plan is required", "plan");
        }
        if (!planNode.isObject()) {
            throw new Refusal(Refusal.Kind.INVALID, "invalid_type", "plan must be an object", "plan");
        }
        BuildPlan plan;
        try {
            plan = PlanJson.read("plan", planNode.toString());
        } catch (UnsafePathException e) {
            // The same rules as the CLI's (core WorkspacePaths): a path leaving the workspace is a bad request.
            UnsafePathException located = e.under("plan");
            throw new Refusal(Refusal.Kind.INVALID, "unsafe_path", located.getMessage(), located.field());
        } catch (BakeryConfigException e) {
            Problem first = e.problems().getFirst();
            throw new Refusal(Refusal.Kind.UNPROCESSABLE, "invalid_plan", first.message(), "plan" + (first.path().isEmpty() ? "" : "." + first.path()));
        }
        Map<String, String> labels = RequestBodies.strings(body, "labels", 20, LABEL_KEY,
                "1 to 64 letters, digits or _ . : / -", 256);
        String idempotencyKey = RequestBodies.text(body, "idempotencyKey", false, IDEMPOTENCY_KEY,
                "1 to 128 letters, digits or _ . : -");
        Map<String, String> passwords = RequestBodies.strings(body, "inlinePasswords", 100, null, null, 4096);
        BuildService.Submitted submitted = builds.submit(new BuildService.Submission(context, plan, labels,
                idempotencyKey, passwords, requestHash(context, plan, labels, passwords)), principal(request));
        return ApiResponse.of(submitted.created() ? 202 : 200,
                new ApiModel.Submitted(submitted.buildId(), submitted.status().name(), submitted.consoleUrl()));
    }

    private ApiResponse list(ApiRequest request) {
        int limit = intParam(request, "limit", 20, 1, 100);
        String status = request.query().get("status");
        BuildStatus wanted = null;
        if (status != null) {
            try {
                wanted = BuildStatus.valueOf(status.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new Refusal(Refusal.Kind.INVALID, "invalid_status", "status must be one of " + java.util.Arrays.toString(BuildStatus.values()), "status");
            }
        }
        BuildPage page = builds.list(limit, wanted, request.query().get("next"), principal(request));
        return ApiResponse.of(200, new ApiModel.BuildList(page.builds().stream().map(b -> view(b, false)).toList(), page.next()));
    }

    private ApiResponse cancel(ApiRequest request) {
        String id = buildId(request);
        return ApiResponse.of(200, new ApiModel.Cancelled(id, builds.cancel(id, principal(request)).name()));
    }

    private ApiResponse logs(ApiRequest request) {
        String id = buildId(request);
        long since = 0;
        String sinceText = request.query().get("since");
        if (sinceText != null) {
            try {
                since = sinceText.matches("\\d{1,15}") ? Long.parseLong(sinceText) : Instant.parse(sinceText).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new Refusal(Refusal.Kind.INVALID, "invalid_since", "since must be epoch milliseconds or an ISO-8601 instant", "since");
            }
        }
        LogSource.Page page = builds.logs(id, principal(request), since, request.query().get("next"),
                intParam(request, "limit", 500, 1, 10_000));
        return ApiResponse.of(200, new ApiModel.LogPage(page.lines().stream()
                .map(line -> new ApiModel.LogLine(line.id(), line.timestamp(), line.message())).toList(), page.next()));
    }

    private ApiModel.BuildView view(BuildRecord build, boolean withTasks) {
        List<ApiModel.TaskView> tasks = withTasks ? builds.tasks(build.id()).stream()
                .map(t -> new ApiModel.TaskView(t.taskId(), t.arch(), t.status().name(), t.imageDigest(), t.error(), t.runner()))
                .toList() : null;
        return new ApiModel.BuildView(build.id(), build.status().name(), build.plan().service(), build.createdAt().toString(),
                build.updatedAt().toString(), build.requester(), build.labels(), build.contextKey(), builds.consoleUrl(build),
                build.plan().index() == null ? null : build.plan().index().destination().toString(), build.indexDigest(),
                build.error(), tasks);
    }

    private static String buildId(ApiRequest request) {
        String id = request.pathParameters().get("id");
        if (!BuildId.isValid(id)) {
            throw new Refusal(Refusal.Kind.INVALID, "invalid_build_id", "\"" + id + "\" is not a build id", "id");
        }
        return id;
    }

    private static String principal(ApiRequest request) {
        if (request.principal() == null || request.principal().isBlank()) {
            // API Gateway's IAM authorizer always sets it; its absence means a misconfigured route.
            throw new Refusal(Refusal.Kind.FORBIDDEN, "no_principal", "the request carries no IAM identity", null);
        }
        return request.principal();
    }

    private static int intParam(ApiRequest request, String name, int fallback, int min, int max) {
        String text = request.query().get(name);
        if (text == null) {
            return fallback;
        }
        if (!text.matches("\\d{1,9}") || Integer.parseInt(text) < min || Integer.parseInt(text) > max) {
            throw new Refusal(Refusal.Kind.INVALID, "invalid_" + name, name + " must be a whole number from " + min + " to " + max, name);
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
