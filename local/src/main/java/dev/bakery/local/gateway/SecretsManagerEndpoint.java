package dev.bakery.local.gateway;

import dev.bakery.aws.SigV4Verifier;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.local.secrets.LocalSecretVault;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Secrets Manager's GetSecretValue for agent processes, answered from the {@link LocalSecretVault}
 * (the build's own secret with its inline passwords, and the named secrets the user keeps under
 * the data dir): AWS JSON 1.1, {@code POST /} with {@code X-Amz-Target: secretsmanager.GetSecretValue},
 * as {@code AWS_ENDPOINT_URL_SECRETS_MANAGER} makes the agent's SDK client send it. Every request must be signed
 * with the run's keys ({@link SigV4Verifier}): the port is reachable by every user of the machine,
 * the keys only by the server and its agents. Requests without that target go to the REST routes.
 */
final class SecretsManagerEndpoint extends Handler.Wrapper {

    static final String TARGET_PREFIX = "secretsmanager.";
    static final String SERVICE = "secretsmanager";
    /** A GetSecretValue request is a few hundred bytes. */
    private static final int MAX_BODY_BYTES = 64 << 10;
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalSecretVault vault;
    private final SigV4Verifier verifier;

    SecretsManagerEndpoint(LocalSecretVault vault, SigV4Verifier verifier, Handler rest) {
        super(rest);
        this.vault = vault;
        this.verifier = verifier;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String target = request.getHeaders().get("X-Amz-Target");
        if (target == null || !target.startsWith(TARGET_PREFIX)) {
            return super.handle(request, response, callback);
        }
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            return error(response, callback, 413, "ValidationException", "Request too large.");
        }
        if (!request.getMethod().equals("POST") || !Request.getPathInContext(request).equals("/")) {
            return error(response, callback, 404, "UnknownOperationException", null);
        }
        Optional<SigV4Verifier.Refusal> refusal = CallerCheck.verify(verifier, request, body);
        if (refusal.isPresent()) {
            int status = refusal.get().code().equals("MissingAuthenticationTokenException") ? 403 : 400;
            return error(response, callback, status, refusal.get().code(), refusal.get().message());
        }
        if (!target.equals(TARGET_PREFIX + "GetSecretValue")) {
            return error(response, callback, 400, "UnknownOperationException", null);
        }
        return getSecretValue(body, response, callback);
    }

    private boolean getSecretValue(byte[] body, Response response, Callback callback) throws IOException {
        JsonNode input;
        try {
            input = JSON.readTree(body);
        } catch (IOException e) {
            return error(response, callback, 400, "SerializationException", "The request body is not JSON.");
        }
        JsonNode secretId = input == null ? null : input.get("SecretId");
        if (secretId == null || !secretId.isTextual() || secretId.asText().isEmpty()) {
            return error(response, callback, 400, "ValidationException", "1 validation error detected: Value at 'secretId' "
                    + "failed to satisfy constraint: Member must not be null");
        }
        Optional<String> value;
        try {
            value = vault.find(secretId.asText());
        } catch (IllegalArgumentException e) {
            return error(response, callback, 400, "ValidationException", "Invalid name. Must be a valid name containing "
                    + "alphanumeric characters, or any of the following: -/_+=.@!");
        }
        if (value.isEmpty()) {
            return error(response, callback, 400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
        }
        String name = LocalSecretVault.name(secretId.asText());
        ObjectNode answer = JSON.createObjectNode().put("ARN", LocalSecretVault.ARN_PREFIX + name).put("Name", name)
                .put("SecretString", value.get());
        answer.putArray("VersionStages").add("AWSCURRENT");
        return answer(response, callback, 200, JSON.writeValueAsString(answer));
    }

    private static boolean error(Response response, Callback callback, int status, String type, String message)
            throws IOException {
        ObjectNode error = JSON.createObjectNode().put("__type", type);
        if (message != null) {
            error.put("message", message);
        }
        return answer(response, callback, status, JSON.writeValueAsString(error));
    }

    private static boolean answer(Response response, Callback callback, int status, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
        Content.Sink.write(response, true, body, callback);
        return true;
    }
}
