package dev.bakery.store;

import dev.bakery.core.status.BuildStatus;

import dev.bakery.core.BuildPlan;
import java.time.Instant;
import java.util.Map;

/**
 * The build item ({@code BUILD#<id>} / {@code META}).
 *
 * @param requester    the caller's IAM principal ARN
 * @param labels       the caller's labels (git sha, CI url, ...)
 * @param secretArn    the build's own secret holding inline registry passwords, or null
 * @param executionArn the Step Functions execution, or null until started
 * @param indexDigest  the published multi-arch index, or null
 * @param error        why the build failed, or null
 */
public record BuildRecord(String id, BuildStatus status, BuildPlan plan, String contextKey, String requester,
        Map<String, String> labels, Instant createdAt, Instant updatedAt, String secretArn, String executionArn,
        String indexDigest, String error) {

    public BuildRecord {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** A build as first written: queued, nothing started yet. */
    public static BuildRecord queued(String id, BuildPlan plan, String contextKey, String requester,
            Map<String, String> labels, Instant createdAt, String secretArn) {
        return new BuildRecord(id, BuildStatus.QUEUED, plan, contextKey, requester, labels, createdAt, createdAt,
                secretArn, null, null, null);
    }
}
