package dev.bakery.registry;

/** Reads secret values; in AWS Secrets Manager, in tests a map. */
@FunctionalInterface
public interface SecretReader {

    /**
     * The current {@code SecretString} of a secret.
     *
     * @param secretId a secret name or ARN
     * @throws RuntimeException naming the secret when it cannot be read (never with its value)
     */
    String secretString(String secretId);
}
