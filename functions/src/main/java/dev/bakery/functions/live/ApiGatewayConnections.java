package dev.bakery.functions.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.functions.aws.AwsCallException;
import dev.bakery.functions.aws.AwsJsonClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * API Gateway's PostToConnection: {@code POST {endpoint}/@connections/{connectionId}} with the frame as
 * the body, SigV4-signed for service {@code execute-api}. 200 is delivered; 410 is
 * {@link ConnectionGoneException}; 429 and 5xx (and unreachable endpoints) are retried with jittered
 * exponential backoff, a bounded number of times; 403 names the missing {@code execute-api:ManageConnections}
 * permission; anything else is an {@link AwsCallException} with API Gateway's error.
 *
 * <p>Why not the SDK's {@code ApiGatewayManagementApiClient}: its {@code apigatewaymanagementapi} jar is
 * not resolvable from our Maven mirror at the pinned SDK version (like {@code sfn} and
 * {@code secretsmanager}, see {@link AwsJsonClient}), and the operation is a single REST call. We use
 * the SDK pieces that do resolve: the SigV4 signer, the credentials chain and the HTTP client. Replace
 * this class with the generated client once it resolves; only the handlers' wiring names it.
 *
 * <p>Thread-safe when the {@link SdkHttpClient} is (the URL-connection client is).
 */
public final class ApiGatewayConnections implements ConnectionPoster {

    /** What IAM must allow the function: {@code Allow execute-api:ManageConnections on arn:aws:execute-api:...:api-id/stage/POST/@connections/*}. */
    public static final String PERMISSION = "execute-api:ManageConnections";
    private static final String TARGET = "execute-api.PostToConnection";
    private static final int MAX_ERROR_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final String region;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http;
    private final AwsJsonClient.Retry retry;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /**
     * @param endpoint the WebSocket API's management endpoint,
     *                 {@code https://{api-id}.execute-api.{region}.amazonaws.com/{stage}} (a {@code wss://}
     *                 URL of the same API is accepted and turned into {@code https://})
     */
    public ApiGatewayConnections(URI endpoint, String region, AwsCredentialsProvider credentials, SdkHttpClient http) {
        this(endpoint, region, credentials, http, AwsJsonClient.Retry.DEFAULT);
    }

    /** The same with another retry policy (tests use millisecond backoffs). */
    public ApiGatewayConnections(URI endpoint, String region, AwsCredentialsProvider credentials, SdkHttpClient http,
            AwsJsonClient.Retry retry) {
        this.base = base(Objects.requireNonNull(endpoint, "endpoint"));
        this.region = Objects.requireNonNull(region, "region");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.http = Objects.requireNonNull(http, "http");
        this.retry = Objects.requireNonNull(retry, "retry");
    }

    private static String base(URI endpoint) {
        String scheme = endpoint.getScheme();
        if (scheme == null || endpoint.getRawAuthority() == null) {
            throw new IllegalArgumentException("the WebSocket management endpoint must be an absolute URL, got " + endpoint);
        }
        if (endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
            throw new IllegalArgumentException("the WebSocket management endpoint takes no query or fragment: " + endpoint);
        }
        String s = switch (scheme.toLowerCase(java.util.Locale.ROOT)) {
            case "https", "wss" -> "https";
            case "http", "ws" -> "http"; // loopback tests only
            default -> throw new IllegalArgumentException("the WebSocket management endpoint must be https://, got " + endpoint);
        };
        String path = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return s + "://" + endpoint.getRawAuthority() + path;
    }

    /** Where a frame for this connection goes. */
    URI connectionUri(String connectionId) {
        return URI.create(base + "/@connections/"
                + URLEncoder.encode(connectionId, StandardCharsets.UTF_8).replace("+", "%20"));
    }

    @Override
    public void post(String connectionId, String text) {
        if (connectionId == null || connectionId.isEmpty()) {
            throw new IllegalArgumentException("no connection id");
        }
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        URI uri = connectionUri(connectionId);
        for (int attempt = 1; ; attempt++) {
            boolean last = attempt >= retry.attempts();
            Answer answer;
            try {
                answer = send(uri, body);
            } catch (IOException e) {
                if (last) {
                    throw new AwsCallException(TARGET, "PostToConnection to " + connectionId + " failed: cannot reach "
                            + base + " (" + e.getMessage() + ") after " + tries(attempt), e);
                }
                pause(attempt);
                continue;
            }
            int status = answer.status();
            if (status / 100 == 2) {
                return;
            }
            if (status == 410) {
                throw new ConnectionGoneException(connectionId);
            }
            AwsCallException error = new AwsCallException(TARGET, status, answer.errorType(), answer.message());
            if (status == 403) {
                throw new AwsCallException("PostToConnection to " + connectionId + " was refused (" + error.awsError()
                        + "): the function's role needs " + PERMISSION + " on this API's stage ("
                        + base + "/@connections/*), and the credentials must be valid", error);
            }
            boolean retryable = status == 429 || status >= 500;
            if (!retryable) {
                throw new AwsCallException("PostToConnection to " + connectionId + " failed (" + error.awsError() + ")", error);
            }
            if (last) {
                throw new AwsCallException("PostToConnection to " + connectionId + " failed after " + tries(attempt) + " ("
                        + error.awsError() + ")" + (status == 429 ? ": API Gateway kept throttling" : ""), error);
            }
            pause(attempt);
        }
    }

    private static String tries(int attempt) {
        return attempt + (attempt == 1 ? " try" : " tries");
    }

    private record Answer(int status, String errorType, String message) {
    }

    private Answer send(URI uri, byte[] body) throws IOException {
        SdkHttpRequest unsigned = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(uri)
                .putHeader("Content-Type", "application/json")
                .putHeader("Content-Length", Integer.toString(body.length))
                .build();
        // Signed for every try: X-Amz-Date moves on, and role credentials may have been rotated.
        AwsCredentials identity = resolveCredentials();
        SignedRequest signed = signer.sign(r -> r.identity(identity)
                .request(unsigned)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                .request(signed.request())
                .contentStreamProvider(signed.payload().orElse(null))
                .build()).call();
        int status = response.httpResponse().statusCode();
        byte[] bytes = new byte[0];
        if (response.responseBody().isPresent()) {
            try (AbortableInputStream in = response.responseBody().get()) {
                bytes = status / 100 == 2 ? drain(in) : in.readNBytes(MAX_ERROR_BYTES);
            }
        }
        if (status / 100 == 2) {
            return new Answer(status, null, null);
        }
        String type = response.httpResponse().firstMatchingHeader("x-amzn-ErrorType").map(ApiGatewayConnections::shortCode)
                .orElse(null);
        String message = null;
        try {
            JsonNode doc = bytes.length == 0 ? null : JSON.readTree(bytes);
            if (doc != null && doc.isObject()) {
                JsonNode m = doc.has("message") ? doc.get("message") : doc.get("Message");
                message = m != null && m.isTextual() ? m.asText() : null;
            }
        } catch (IOException notJson) {
            // A proxy's HTML page: the status says enough.
        }
        return new Answer(status, type, message);
    }

    private static byte[] drain(InputStream in) throws IOException {
        in.transferTo(java.io.OutputStream.nullOutputStream()); // lets the connection be reused
        return new byte[0];
    }

    private static String shortCode(String type) {
        String code = type.substring(type.lastIndexOf('#') + 1);
        int colon = code.indexOf(':');
        code = colon >= 0 ? code.substring(0, colon) : code;
        return code.isBlank() ? null : code;
    }

    private AwsCredentials resolveCredentials() {
        try {
            return credentials.resolveCredentials();
        } catch (RuntimeException e) {
            throw new AwsCallException(TARGET, "PostToConnection failed: no AWS credentials (" + e.getMessage() + ")", e);
        }
    }

    private void pause(int attempt) {
        long cap = retry.maxBackoff().toMillis();
        long wait = Math.min(cap, retry.firstBackoff().toMillis() << Math.min(attempt - 1, 20));
        // Half fixed, half random: posters throttled together do not come back in step.
        long sleep = wait / 2 + ThreadLocalRandom.current().nextLong(wait / 2 + 1);
        try {
            Thread.sleep(sleep);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AwsCallException(TARGET, "PostToConnection interrupted while waiting to retry", e);
        }
    }
}
