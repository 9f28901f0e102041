package dev.bakery.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** The REST API's request and answer bodies, as the CLI reads and writes them (see functions' RestApi). */
public final class ApiModel {

    private ApiModel() {
    }

    /** {@code POST /contexts}: stored already, or a presigned PUT, or a presigned multipart upload. */
    public record ContextOffer(String key, boolean exists, Upload upload, Multipart multipart) {
    }

    /** One presigned PUT; {@code headers} must be sent exactly. */
    public record Upload(String method, String url, Map<String, String> headers, String expiresAt) {
        public Upload {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }
    }

    /** Parts of {@code partSize} bytes (the last shorter), each PUT to its URL, then the complete call. */
    public record Multipart(String uploadId, long partSize, List<Part> parts, String completeUrl, String expiresAt) {
        public Multipart {
            parts = List.copyOf(parts);
        }
    }

    public record Part(int number, String url) {
    }

    /** {@code POST /builds}; {@code plan} is the plan's JSON as core writes it. */
    public record Submission(String context, JsonNode plan, Map<String, String> labels, String idempotencyKey,
            Map<String, String> inlinePasswords) {
    }

    public record Submitted(String buildId, String status, String consoleUrl) {
    }

    /** {@code GET /builds/{id}} ({@code tasks} only there) and each item of {@code GET /builds}. */
    public record BuildView(String buildId, String status, String service, String createdAt, String updatedAt,
            String requester, Map<String, String> labels, String context, String consoleUrl, String index,
            String indexDigest, String error, List<TaskView> tasks) {
        public BuildView {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            tasks = tasks == null ? List.of() : List.copyOf(tasks);
        }

        public boolean isFinal() {
            return isFinalStatus(status);
        }
    }

    /** @param runner the ECS task ARN or {@code job/<namespace>/<name>} it runs in, once it started */
    public record TaskView(String taskId, String arch, String status, String imageDigest, String error, String runner) {
    }

    public record BuildList(List<BuildView> builds, String next) {
        public BuildList {
            builds = List.copyOf(builds);
        }
    }

    public record Cancelled(String buildId, String status) {
    }

    /** One stored agent line: the agent's JSON text in {@code message}, with the store's id and time. */
    public record LogLine(String id, long timestamp, String message) {
    }

    public record LogPage(List<LogLine> lines, String next) {
        public LogPage {
            lines = List.copyOf(lines);
        }
    }

    /** SUCCEEDED, FAILED and CANCELLED are never left. */
    public static boolean isFinalStatus(String status) {
        return "SUCCEEDED".equals(status) || "FAILED".equals(status) || "CANCELLED".equals(status);
    }
}
