package dev.bakery.agent.spec;

import dev.bakery.core.BuildTask;
import java.net.URI;

/**
 * What one agent run builds: the task of a build and where its context is.
 *
 * @param contextBucket    S3 bucket of the context (ECS, local), or null
 * @param contextKey       its key, {@code contexts/<sha256>.tar.gz}: the digest the download must have
 * @param contextUrl       a presigned GET URL instead of the bucket (k8s), or null
 * @param contextDeleteUrl with a URL, a presigned DELETE of the key, to remove an object that is not
 *                         its key's content, or null
 */
public record TaskSpec(String buildId, String taskId, BuildTask task, String contextBucket, String contextKey,
        URI contextUrl, URI contextDeleteUrl) {

    public TaskSpec {
        if (contextKey == null || (contextUrl == null) == (contextBucket == null)) {
            throw new IllegalArgumentException("a task spec needs a context key, and either its bucket or a context URL");
        }
    }
}
