package dev.bakery.core.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The REST API's request and answer bodies: the functions' REST layer writes the answers from these
 * records and the CLI reads them back into the same ones, so a field cannot drift between the two.
 * Null fields are written as JSON null; maps are sorted, so an answer's bytes are stable.
 */
public final class ApiModel {

    private ApiModel() {
    }

    /** {@code POST /contexts}: stored already, or a presigned PUT, or a presigned multipart upload. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ContextOffer(String key, boolean exists, Upload upload, Multipart multipart) {
    }

    /**
     * One presigned PUT; {@code headers} must be sent exactly: they carry the archive's SHA-256
     * ({@code x-amz-checksum-sha256}) and {@code If-None-Match: *}, so S3 stores nothing but the
     * claimed bytes and never replaces a stored context (412 when one is there).
     */
    public record Upload(String method, String url, Map<String, String> headers, String expiresAt) {
        public Upload {
            headers = sorted(headers);
        }
    }

    /**
     * Parts of {@code partSize} bytes (the last shorter), each PUT to its URL with its headers (the
     * part's claimed {@code x-amz-checksum-sha256}), then the complete call with {@code completeHeaders}
     * ({@code If-None-Match: *}) and each part's ETag and {@code ChecksumSHA256} in its XML.
     */
    public record Multipart(String uploadId, long partSize, List<Part> parts, String completeUrl,
            Map<String, String> completeHeaders, String expiresAt) {
        public Multipart {
            parts = List.copyOf(parts);
            completeHeaders = sorted(completeHeaders);
        }
    }

    public record Part(int number, String url, Map<String, String> headers) {
        public Part {
            headers = sorted(headers);
        }
    }

    /** {@code POST /builds}; {@code plan} is the plan's JSON as core writes it. */
    public record Submission(String context, JsonNode plan, Map<String, String> labels, String idempotencyKey,
            Map<String, String> inlinePasswords) {
    }

    public record Submitted(String buildId, String status, String consoleUrl) {
    }

    /** {@code GET /builds/{id}} ({@code tasks} only there) and each item of {@code GET /builds}. */
    public record BuildView(String buildId, String status, String service, String createdAt, String updatedAt,
            String requester, Map<String, String> labels, String context, String consoleUrl,
            @JsonInclude(JsonInclude.Include.NON_NULL) String index, String indexDigest, String error,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<TaskView> tasks) {
        public BuildView {
            labels = sorted(labels);
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

    /**
     * {@code POST /contexts}: the archive the caller wants to upload, and the SHA-256 of each of its
     * {@code partSize} slices (the last shorter; one part, the archive's own digest, when it fits in
     * one), all lowercase hex. A multipart upload's URLs pin each part to its digest, and a stored
     * multipart object is recognised as the caller's by these digests.
     */
    public record ContextClaim(String sha256, long size, long partSize, List<String> parts) {
        /** The CLI's slices: S3 takes 5 MiB to 5 GiB; 64 MiB keeps 10,000 parts above any accepted context. */
        public static final long DEFAULT_PART_SIZE = 64L << 20;

        public ContextClaim {
            parts = parts == null ? null : List.copyOf(parts);
        }
    }

    /**
     * Every refusal: {@code error} a stable code ({@code not_found}, {@code invalid_plan}, ...),
     * {@code message} a sentence for people, {@code path} the request field at fault or null.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ApiError(String error, String message, String path) {
    }

    private static Map<String, String> sorted(Map<String, String> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(map));
    }

    /** SUCCEEDED, FAILED and CANCELLED are never left. */
    public static boolean isFinalStatus(String status) {
        return "SUCCEEDED".equals(status) || "FAILED".equals(status) || "CANCELLED".equals(status);
    }
}
