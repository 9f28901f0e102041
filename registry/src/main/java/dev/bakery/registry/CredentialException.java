package dev.bakery.registry;

/**
 * A registry login cannot be made from what is stored (a missing key, a JSON secret without a
 * password, a malformed ECR token). The message names the registry and the secret, never a value.
 * Failures to reach AWS are the SDK's {@link software.amazon.awssdk.core.exception.SdkException}s instead.
 */
public class CredentialException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CredentialException(String message) {
        super(message);
    }
}
