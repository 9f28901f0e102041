package dev.bakery.registry;

import dev.bakery.aws.AwsErrors;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** {@link SecretReader} over Secrets Manager's GetSecretValue; errors say what to fix. */
public final class SecretsManagerSecrets implements SecretReader {

    private final SecretsManagerClient client;

    public SecretsManagerSecrets(SecretsManagerClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public String secretString(String secretId) {
        Objects.requireNonNull(secretId, "secretId");
        String value;
        try {
            value = client.getSecretValue(r -> r.secretId(secretId)).secretString();
        } catch (SdkException e) {
            throw AwsErrors.reword(e, explain(secretId, e));
        }
        if (value == null) {
            throw new CredentialException("secret " + secretId + " has no SecretString (binary secrets cannot hold a registry password)");
        }
        return value;
    }

    private static String explain(String secretId, SdkException e) {
        String type = Objects.requireNonNullElse(AwsErrors.code(e), "");
        return switch (type) {
            case "ResourceNotFoundException" -> "secret " + secretId + " not found in Secrets Manager (" + AwsErrors.describe(e) + ")";
            case "AccessDeniedException" -> "not allowed to read secret " + secretId
                    + ": missing IAM permission secretsmanager:GetSecretValue on " + secretId + " (" + AwsErrors.describe(e) + ")";
            // Secrets Manager's code when the role may not use the secret's KMS key.
            case "DecryptionFailure" -> "cannot decrypt secret " + secretId
                    + ": missing IAM/key-policy permission kms:Decrypt on the secret's KMS key (" + AwsErrors.describe(e) + ")";
            default -> AwsErrors.answered(e)
                    ? "cannot read secret " + secretId + " from Secrets Manager (" + AwsErrors.describe(e) + ")"
                    : "cannot read secret " + secretId + " from Secrets Manager: " + e.getMessage();
        };
    }
}
