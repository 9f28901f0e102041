package dev.bakery.functions.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.bakery.functions.aws.AwsCallException;
import dev.bakery.functions.aws.AwsJsonClient;
import dev.bakery.functions.aws.AwsService;
import java.util.Objects;

/** {@link SecretReader} over Secrets Manager's GetSecretValue; errors say what to fix. */
public final class SecretsManagerSecrets implements SecretReader {

    private final AwsJsonClient client;

    public SecretsManagerSecrets(AwsJsonClient client) {
        if (!client.service().equals(AwsService.SECRETS_MANAGER)) {
            throw new IllegalArgumentException("SecretsManagerSecrets needs a Secrets Manager client, not " + client.service());
        }
        this.client = client;
    }

    /** Production wiring: the regional endpoint and the default credentials chain. */
    public static SecretsManagerSecrets create(String region) {
        return new SecretsManagerSecrets(AwsJsonClient.create(AwsService.SECRETS_MANAGER, region));
    }

    @Override
    public String secretString(String secretId) {
        Objects.requireNonNull(secretId, "secretId");
        JsonNode response;
        try {
            response = client.call("GetSecretValue", JsonNodeFactory.instance.objectNode().put("SecretId", secretId));
        } catch (AwsCallException e) {
            throw new AwsCallException(explain(secretId, e), e);
        }
        JsonNode value = response.get("SecretString");
        if (value == null || !value.isTextual()) {
            throw new CredentialException("secret " + secretId + " has no SecretString (binary secrets cannot hold a registry password)");
        }
        return value.asText();
    }

    private static String explain(String secretId, AwsCallException e) {
        String type = Objects.requireNonNullElse(e.errorType(), "");
        return switch (type) {
            case "ResourceNotFoundException" -> "secret " + secretId + " not found in Secrets Manager (" + e.awsError() + ")";
            case "AccessDeniedException" -> "not allowed to read secret " + secretId
                    + ": missing IAM permission secretsmanager:GetSecretValue on " + secretId + " (" + e.awsError() + ")";
            // Secrets Manager's code when the role may not use the secret's KMS key.
            case "DecryptionFailure" -> "cannot decrypt secret " + secretId
                    + ": missing IAM/key-policy permission kms:Decrypt on the secret's KMS key (" + e.awsError() + ")";
            default -> e.status() == 0
                    ? "cannot read secret " + secretId + " from Secrets Manager: " + e.getMessage()
                    : "cannot read secret " + secretId + " from Secrets Manager (" + e.awsError() + ")";
        };
    }
}
