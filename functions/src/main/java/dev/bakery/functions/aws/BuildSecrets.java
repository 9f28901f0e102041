package dev.bakery.functions.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

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

    private final AwsJsonClient client;

    public BuildSecrets(AwsJsonClient client) {
        if (!client.service().equals(AwsService.SECRETS_MANAGER)) {
            throw new IllegalArgumentException("BuildSecrets needs a Secrets Manager client, not " + client.service());
        }
        this.client = client;
    }

    /** Production wiring: the regional endpoint and the default credentials chain. */
    public static BuildSecrets create(String region) {
        return new BuildSecrets(AwsJsonClient.create(AwsService.SECRETS_MANAGER, region));
    }

    /**
     * Creates secret {@code name} holding {@code secretString} and returns its ARN. The request
     * token is derived from the name, so a retry (ours, or the client's after a lost answer) finds
     * the secret of the first try instead of failing or making a second one.
     *
     * @param tags resource tags (e.g. the build id), may be empty or null
     * @throws IllegalArgumentException the name, value size or a tag is malformed (nothing was sent)
     * @throws AwsCallException         Secrets Manager refused, or a secret of that name exists that
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
        ObjectNode request = JSON.createObjectNode()
                .put("Name", name)
                .put("ClientRequestToken", token)
                .put("SecretString", secretString);
        Map<String, String> sortedTags = new TreeMap<>();
        if (tags != null) {
            tags.forEach((key, value) -> {
                if (key == null || key.isEmpty() || value == null) {
                    throw new IllegalArgumentException("tag " + key + " of secret " + name + " needs a non-empty key and a value");
                }
                sortedTags.put(key, value);
            });
        }
        if (!sortedTags.isEmpty()) {
            ArrayNode array = request.putArray("Tags");
            sortedTags.forEach((key, value) -> array.addObject().put("Key", key).put("Value", value));
        }

        JsonNode response;
        try {
            response = client.call("CreateSecret", request);
        } catch (AwsCallException e) {
            AwsCallException safe = redact(e, secretString);
            if ("ResourceExistsException".equals(safe.errorType())) {
                return arnOfOurEarlierCreate(name, token, safe);
            }
            throw new AwsCallException(explainCreate(name, safe), safe);
        }
        return arn(response, name, "CreateSecret");
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
            client.call("DeleteSecret", JSON.createObjectNode().put("SecretId", secretId).put("ForceDeleteWithoutRecovery", true));
        } catch (AwsCallException e) {
            if ("ResourceNotFoundException".equals(e.errorType())) {
                return;
            }
            // E.g. a secret already marked for deletion; only the secret's state tells if that is "gone".
            if ("InvalidRequestException".equals(e.errorType()) && goneOrGoing(secretId, e)) {
                return;
            }
            throw new AwsCallException(explain("delete", "DeleteSecret", secretId, e), e);
        }
    }

    /** The ClientRequestToken (and so the first VersionId) of the secret {@code name}: a UUID derived from the name. */
    static String clientRequestToken(String name) {
        return UUID.nameUUIDFromBytes(("bakery build secret " + name).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private boolean goneOrGoing(String secretId, AwsCallException deleteError) {
        try {
            return client.call("DescribeSecret", JSON.createObjectNode().put("SecretId", secretId)).hasNonNull("DeletedDate");
        } catch (AwsCallException e) {
            if ("ResourceNotFoundException".equals(e.errorType())) {
                return true;
            }
            deleteError.addSuppressed(e);
            return false;
        }
    }

    /** CreateSecret says the name exists: ours if its versions include the token of this name. */
    private String arnOfOurEarlierCreate(String name, String token, AwsCallException exists) {
        JsonNode secret;
        try {
            secret = client.call("DescribeSecret", JSON.createObjectNode().put("SecretId", name));
        } catch (AwsCallException e) {
            AwsCallException explained = new AwsCallException("secret " + name + " exists already and cannot be described to"
                    + " tell if an earlier try of this build created it (" + e.awsError() + ")", e);
            explained.addSuppressed(exists);
            throw explained;
        }
        if (secret.hasNonNull("DeletedDate")) {
            throw new AwsCallException("secret " + name + " exists but is scheduled for deletion; wait until it is deleted"
                    + " or restore it (" + exists.awsError() + ")", exists);
        }
        if (!secret.path("VersionIdsToStages").has(token)) {
            throw new AwsCallException("secret " + name + " exists already and was not created by Bakery for this build"
                    + " (it has no version " + token + "); not using it (" + exists.awsError() + ")", exists);
        }
        return arn(secret, name, "DescribeSecret");
    }

    private static String arn(JsonNode response, String name, String operation) {
        JsonNode arn = response.get("ARN");
        if (arn == null || !arn.isTextual() || arn.asText().isEmpty()) {
            throw new AwsCallException(AwsService.SECRETS_MANAGER.targetPrefix() + "." + operation,
                    operation + " of secret " + name + " answered without an ARN", null);
        }
        return arn.asText();
    }

    private static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("secret name " + name + " must be 1 to 512 characters of letters, digits and /_+=.@-");
        }
    }

    private static String explainCreate(String name, AwsCallException e) {
        if ("AccessDeniedException".equals(e.errorType())) {
            return "not allowed to create secret " + name + ": missing IAM permission secretsmanager:CreateSecret"
                    + " (and secretsmanager:TagResource for its tags) on " + name + " (" + e.awsError() + ")";
        }
        return explain("create", "CreateSecret", name, e);
    }

    private static String explain(String verb, String action, String secretId, AwsCallException e) {
        if ("AccessDeniedException".equals(e.errorType())) {
            return "not allowed to " + verb + " secret " + secretId + ": missing IAM permission secretsmanager:" + action
                    + " on " + secretId + " (" + e.awsError() + ")";
        }
        return e.status() == 0
                ? "cannot " + verb + " secret " + secretId + " in Secrets Manager: " + e.getMessage()
                : "cannot " + verb + " secret " + secretId + " in Secrets Manager (" + e.awsError() + ")";
    }

    /**
     * The same failure with every trace of {@code value} masked. AWS does not echo SecretString, but
     * a validation message, a proxy or an emulator might; the value must not reach a log through us.
     */
    static AwsCallException redact(AwsCallException e, String value) {
        if (value.isEmpty() || !mentions(e, value)) {
            return e;
        }
        if (e.status() == 0) {
            return new AwsCallException(e.target(), mask(e.getMessage(), value), null);
        }
        return new AwsCallException(e.target(), e.status(), mask(e.errorType(), value), mask(e.awsMessage(), value));
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
