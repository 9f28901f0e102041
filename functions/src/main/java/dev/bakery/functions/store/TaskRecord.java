package dev.bakery.functions.store;

/**
 * A task item ({@code BUILD#<id>} / {@code TASK#<taskId>}): what one architecture's build did.
 *
 * @param imageDigest the pushed image's manifest digest, or null until it succeeded
 * @param error       why it failed, or null
 */
public record TaskRecord(String buildId, String taskId, String arch, TaskStatus status, String imageDigest,
        String error) {
}
