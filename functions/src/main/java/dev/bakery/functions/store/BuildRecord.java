package dev.bakery.functions.store;

import dev.bakery.core.BuildPlan;
import java.time.Instant;

/**
 * The build item ({@code BUILD#<id>} / {@code META}).
 *
 * @param indexDigest the published multi-arch index, or null
 */
public record BuildRecord(String id, BuildStatus status, BuildPlan plan, String contextKey, String requester,
        Instant createdAt, String indexDigest) {
}
