package dev.bakery.agent.spec;

import dev.bakery.core.BuildTask;
import java.net.URI;

/**
 * What one agent run builds: the task of a build and where its context is.
 *
 * @param contextBucket S3 bucket of the context (ECS), or null
 * @param contextKey    its key, e.g. {@code contexts/<sha256>.tar.gz}, or null
 * @param contextUrl    a presigned URL instead (k8s), or null
 */
public record TaskSpec(String buildId, String taskId, BuildTask task, String contextBucket, String contextKey,
        URI contextUrl) {

    public TaskSpec {
        if ((contextUrl == null) == (contextKey == null)) {
            throw new IllegalArgumentException("a task spec needs either an S3 context or a context URL");
        }
    }
}
