package dev.bakery.core;

/**
 * A build secret for {@code RUN --mount=type=secret,id=<id>}.
 *
 * @param id     the id the Dockerfile uses
 * @param secret the Secrets Manager name or ARN holding the value
 */
public record SecretMount(String id, String secret) {

    public SecretMount {
        if (id == null || !id.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("invalid secret id \"" + id + "\" (letters, digits, '_', '.', '-')");
        }
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("secret \"" + id + "\" needs a Secrets Manager name or ARN");
        }
    }
}
