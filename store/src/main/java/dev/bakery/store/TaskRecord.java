package dev.bakery.store;

import dev.bakery.core.status.TaskStatus;

/**
 * A task item ({@code BUILD#<id>} / {@code TASK#<taskId>}): what one architecture's build did.
 *
 * @param imageDigest the pushed image's manifest digest, or null until it succeeded
 * @param error       why it failed, or null
 * @param runner      where it ran, once it started: the ECS task ARN on Fargate, {@code job/<namespace>/<name>}
 *                    for a Kubernetes Job; null before, and on one machine (local mode)
 */
public record TaskRecord(String buildId, String taskId, String arch, TaskStatus status, String imageDigest,
        String error, String runner) {

    /** A task as submitted: nothing has run it yet. */
    public static TaskRecord pending(String buildId, String taskId, String arch) {
        return new TaskRecord(buildId, taskId, arch, TaskStatus.PENDING, null, null, null);
    }
}
