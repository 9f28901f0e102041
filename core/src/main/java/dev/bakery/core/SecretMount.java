package dev.bakery.core;

/**
 * A build secret for {@code RUN --mount=type=secret,id=<id>}.
 *
 * @param id     the id the Dockerfile uses
 * @param secret the Secrets Manager name or ARN holding the value
 */
public record SecretMount(String id, String secret) {

    public SecretMount {
        WorkspacePaths.secretId(id);
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("secret \"" + id + "\" needs a Secrets Manager name or ARN");
        }
    }
}
