package dev.bakery.functions.aws;

import dev.bakery.aws.AwsErrors;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * The per-build secret in Secrets Manager ({@code bakery/builds/<id>}): holds the inline registry
 * passwords of one build, created at submit and deleted when the build ends. Both are safe to
 * repeat. The secret value is never put in an exception message; errors name the secret only.
 */
public final class BuildSecrets {

    /** Secrets Manager's limit on a SecretString (UTF-8 bytes). */
    static final int MAX_SECRET_BYTES = 65_536;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}");
    private static final String REDACTED = "****";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SecretsManagerClient client;

    public BuildSecrets(SecretsManagerClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * Creates secret {@code name} holding {@code secretString} and returns its ARN. The request
     * token is derived from the name, so a retry (ours, or the client's after a lost answer) finds
     * the secret of the first try instead of failing or making a second one.
     *
     * @param tags resource tags (e.g. the build id), may be empty or null
     * @throws IllegalArgumentException the name, value size or a tag is malformed (nothing was sent)
     * @throws SdkException             Secrets Manager refused, or a secret of that name exists that
     *                                  this method did not create
     */
    public String create(String name, String secretString, Map<String, String> tags) {
        checkName(name);
        Objects.requireNonNull(secretString, "secretString");
        int bytes = secretString.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_SECRET_BYTES) {
            throw new IllegalArgumentException("the value of secret " + name + " is " + bytes
                    + " bytes; Secrets Manager takes at most " + MAX_SECRET_BYTES);
        }
        String token = clientRequestToken(name);
        Map<String, String> sortedTags = new TreeMap<>();
        if (tags != null) {
            tags.forEach((key, value) -> {
                if (key == null || key.isEmpty() || value == null) {
                    throw new IllegalArgumentException("tag " + key + " of secret " + name + " needs a non-empty key and a value");
                }
                sortedTags.put(key, value);
            });
        }
        try {
            return arn(client.createSecret(r -> r.name(name).clientRequestToken(token).secretString(secretString)
                    .tags(sortedTags.isEmpty() ? null : sortedTags.entrySet().stream()
                            .map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build()).toList())).arn(), name, "CreateSecret");
        } catch (SdkException e) {
            SdkException safe = redact(e, secretString);
            if ("ResourceExistsException".equals(AwsErrors.code(safe))) {
                return arnOfOurEarlierCreate(name, token, safe);
            }
            throw AwsErrors.reword(safe, explainCreate(name, safe));
        }
    }

    /**
     * Deletes the secret at once, without the recovery window. A secret that is gone already, or
     * that is being deleted, is fine.
     *
     * @param secretId the name or the ARN
     */
    public void delete(String secretId) {
        Objects.requireNonNull(secretId, "secretId");
        if (secretId.isBlank() || secretId.length() > 2048) {
            throw new IllegalArgumentException("secret id must be 1 to 2048 characters and not blank");
        }
        try {
            client.deleteSecret(r -> r.secretId(secretId).forceDeleteWithoutRecovery(true));
        } catch (ResourceNotFoundException e) {
            return;
        } catch (SdkException e) {
            // E.g. a secret already marked for deletion; only the secret's state tells if that is "gone".
            if ("InvalidRequestException".equals(AwsErrors.code(e)) && goneOrGoing(secretId, e)) {
                return;
            }
            throw AwsErrors.reword(e, explain("delete", "DeleteSecret", secretId, e));
        }
    }

    /** The ClientRequestToken (and so the first VersionId) of the secret {@code name}: a UUID derived from the name. */
    static String clientRequestToken(String name) {
        return UUID.nameUUIDFromBytes(("bakery build secret " + name).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private boolean goneOrGoing(String secretId, SdkException deleteError) {
        try {
            return client.describeSecret(r -> r.secretId(secretId)).deletedDate() != null;
        } catch (ResourceNotFoundException e) {
            return true;
        } catch (SdkException e) {
            deleteError.addSuppressed(e);
            return false;
        }
    }

    /** CreateSecret says the name exists: ours if its versions include the token of this name. */
    private String arnOfOurEarlierCreate(String name, String token, SdkException exists) {
        DescribeSecretResponse secret;
        try {
            secret = client.describeSecret(r -> r.secretId(name));
        } catch (SdkException e) {
            SdkException explained = AwsErrors.reword(e, "secret " + name + " exists already and cannot be described to"
                    + " tell if an earlier try of this build created it (" + AwsErrors.describe(e) + ")");
            explained.addSuppressed(exists);
            throw explained;
        }
        if (secret.deletedDate() != null) {
            throw AwsErrors.reword(exists, "secret " + name + " exists but is scheduled for deletion; wait until it is deleted"
                    + " or restore it (" + AwsErrors.describe(exists) + ")");
        }
        if (!secret.versionIdsToStages().containsKey(token)) {
            throw AwsErrors.reword(exists, "secret " + name + " exists already and was not created by Bakery for this build"
                    + " (it has no version " + token + "); not using it (" + AwsErrors.describe(exists) + ")");
        }
        return arn(secret.arn(), name, "DescribeSecret");
    }

    private static String arn(String arn, String name, String operation) {
        if (arn == null || arn.isEmpty()) {
            throw new IllegalStateException(operation + " of secret " + name + " answered without an ARN");
        }
        return arn;
    }

    private static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("secret name " + name + " must be 1 to 512 characters of letters, digits and /_+=.@-");
        }
    }

    private static String explainCreate(String name, SdkException e) {
        if ("AccessDeniedException".equals(AwsErrors.code(e))) {
            return "not allowed to create secret " + name + ": missing IAM permission secretsmanager:CreateSecret"
                    + " (and secretsmanager:TagResource for its tags) on " + name + " (" + AwsErrors.describe(e) + ")";
        }
        return explain("create", "CreateSecret", name, e);
    }

    private static String explain(String verb, String action, String secretId, SdkException e) {
        if ("AccessDeniedException".equals(AwsErrors.code(e))) {
            return "not allowed to " + verb + " secret " + secretId + ": missing IAM permission secretsmanager:" + action
                    + " on " + secretId + " (" + AwsErrors.describe(e) + ")";
        }
        return AwsErrors.answered(e)
                ? "cannot " + verb + " secret " + secretId + " in Secrets Manager (" + AwsErrors.describe(e) + ")"
                : "cannot " + verb + " secret " + secretId + " in Secrets Manager: " + e.getMessage();
    }

    /**
     * The same failure with every trace of {@code value} masked, and without the raw response or the
     * original exception. AWS does not echo SecretString, but a validation message, a proxy or an
     * emulator might; the value must not reach a log through us.
     */
    static SdkException redact(SdkException e, String value) {
        if (value.isEmpty() || !mentions(e, value)) {
            return e;
        }
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            var details = service.awsErrorDetails();
            return service.toBuilder().message(mask(details.errorMessage(), value)).cause(null)
                    .awsErrorDetails(details.toBuilder().errorCode(mask(details.errorCode(), value))
                            .errorMessage(mask(details.errorMessage(), value)).rawResponse(null).build())
                    .build();
        }
        return SdkClientException.create(mask(e.getMessage(), value));
    }

    private static boolean mentions(Throwable e, String value) {
        String escaped = escaped(value);
        for (Throwable t = e; t != null; t = t.getCause()) {
            String text = t.toString();
            if (text.contains(value) || text.contains(escaped)) {
                return true;
            }
            for (Throwable s : t.getSuppressed()) {
                if (mentions(s, value)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String mask(String text, String value) {
        return text == null ? null : text.replace(value, REDACTED).replace(escaped(value), REDACTED);
    }

    /** The value as it appears inside a JSON string, in case a message quotes the request. */
    private static String escaped(String value) {
        String json = JSON.getNodeFactory().textNode(value).toString();
        return json.substring(1, json.length() - 1);
    }
}
