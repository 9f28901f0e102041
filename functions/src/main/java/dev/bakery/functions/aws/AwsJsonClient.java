package dev.bakery.functions.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * Calls one operation of an AWS JSON 1.0 or 1.1 service (Secrets Manager, ECR, Step Functions,
 * CloudWatch Logs): a signed {@code POST /} with {@code X-Amz-Target} and the service's
 * {@code application/x-amz-json-1.x} content type, JSON in and out, bounded retries on throttling
 * and server errors.
 *
 * <p>Why this exists: the SDK's generated {@code secretsmanager}, {@code ecr}, {@code sfn} and
 * {@code cloudwatchlogs} client jars are not resolvable from our Maven mirror at the pinned SDK
 * 2.56.0 (only the core modules are), so we reuse the SDK pieces that are (SigV4 signer,
 * credentials chain, URL-connection HTTP client) and do the protocol's thin JSON part ourselves.
 * Replace it with the generated clients once they resolve; nothing outside the classes of this
 * package, {@code SecretsManagerSecrets} and {@code EcrAuthorizationTokens} depends on it.
 */
public final class AwsJsonClient {

    // A FilterLogEvents page holds up to 1 MB of log messages, more once JSON-escaped and with each
    // event's fields; secrets are at most 64 KiB. A limit keeps a bad endpoint from OOMing us.
    private static final int MAX_RESPONSE_BYTES = 8 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Error codes AWS uses for "slow down"; retried like 5xx. */
    private static final Set<String> THROTTLING = Set.of("ThrottlingException", "Throttling", "ThrottledException",
            "TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled", "RequestThrottledException");

    /**
     * How often and how patiently to try.
     *
     * @param attempts     tries per call, the first included
     * @param firstBackoff wait before the second try; doubled for each further one (with jitter)
     * @param maxBackoff   cap on a single wait
     */
    public record Retry(int attempts, Duration firstBackoff, Duration maxBackoff) {
        public static final Retry DEFAULT = new Retry(4, Duration.ofMillis(200), Duration.ofSeconds(5));

        public Retry {
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be at least 1");
            }
            Objects.requireNonNull(firstBackoff, "firstBackoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
        }
    }

    private final AwsService service;
    private final String region;
    private final URI endpoint;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http;
    private final Retry retry;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /** Production wiring: the public endpoint, the default credentials chain (the Lambda role). */
    public static AwsJsonClient create(AwsService service, String region) {
        return create(service, region, DefaultCredentialsProvider.builder().build(), defaultHttpClient());
    }

    /** The same, sharing one credentials chain and HTTP client with a function's other clients (faster init). */
    public static AwsJsonClient create(AwsService service, String region, AwsCredentialsProvider credentials,
            SdkHttpClient http) {
        return new AwsJsonClient(service, region, service.configuredEndpoint(region, System.getenv()), credentials, http,
                Retry.DEFAULT);
    }

    public static SdkHttpClient defaultHttpClient() {
        return UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(30)).build();
    }

    /**
     * @param endpoint where to send requests (a test server, a VPC endpoint); the signature still
     *                 uses {@code service} and {@code region}
     */
    public AwsJsonClient(AwsService service, String region, URI endpoint, AwsCredentialsProvider credentials,
            SdkHttpClient http, Retry retry) {
        this.service = Objects.requireNonNull(service, "service");
        this.region = Objects.requireNonNull(region, "region");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.http = Objects.requireNonNull(http, "http");
        this.retry = Objects.requireNonNull(retry, "retry");
    }

    public AwsService service() {
        return service;
    }

    public String region() {
        return region;
    }

    /**
     * Calls {@code operation} (e.g. {@code GetSecretValue}) and returns the response document.
     *
     * @throws AwsCallException the service answered with an error (after retries, for retryable
     *                          ones) or could not be reached
     */
    public JsonNode call(String operation, JsonNode request) {
        String target = service.targetPrefix() + "." + operation;
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(request);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialize the " + target + " request", e);
        }
        for (int attempt = 1; ; attempt++) {
            boolean last = attempt >= retry.attempts();
            try {
                Answer answer = send(target, body);
                if (answer.status() / 100 == 2) {
                    return parse(target, answer.body());
                }
                AwsCallException error = error(target, answer);
                if (last || !retryable(error)) {
                    throw error;
                }
            } catch (IOException e) {
                if (last) {
                    throw new AwsCallException(target, target + " failed: cannot reach " + endpoint + " (" + e.getMessage()
                            + ") after " + attempt + (attempt == 1 ? " try" : " tries"), e);
                }
            }
            pause(target, attempt);
        }
    }

    private record Answer(int status, String errorTypeHeader, byte[] body) {
    }

    private Answer send(String target, byte[] body) throws IOException {
        SdkHttpRequest unsigned = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint.resolve("/"))
                .putHeader("Content-Type", service.contentType())
                .putHeader("X-Amz-Target", target)
                .putHeader("Content-Length", Integer.toString(body.length))
                .build();
        // Signed anew for every try: X-Amz-Date moves on, and role credentials may have been rotated.
        AwsCredentials identity = resolveCredentials(target);
        SignedRequest signed = signer.sign(r -> r.identity(identity)
                .request(unsigned)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service.signingName())
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                .request(signed.request())
                .contentStreamProvider(signed.payload().orElse(null))
                .build()).call();
        byte[] bytes = new byte[0];
        if (response.responseBody().isPresent()) {
            try (AbortableInputStream in = response.responseBody().get()) {
                bytes = readLimited(in);
            }
        }
        return new Answer(response.httpResponse().statusCode(),
                response.httpResponse().firstMatchingHeader("x-amzn-ErrorType").orElse(null), bytes);
    }

    private AwsCredentials resolveCredentials(String target) {
        try {
            return credentials.resolveCredentials();
        } catch (RuntimeException e) {
            throw new AwsCallException(target, target + " failed: no AWS credentials (" + e.getMessage() + ")", e);
        }
    }

    private static byte[] readLimited(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
        if (bytes.length > MAX_RESPONSE_BYTES) {
            throw new IOException("response larger than " + MAX_RESPONSE_BYTES + " bytes");
        }
        return bytes;
    }

    private static JsonNode parse(String target, byte[] body) {
        if (body.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            // No cause and no parser message: the body may hold a secret value.
            throw new AwsCallException(target, target + " returned a response that is not JSON", null);
        }
    }

    /** AWS JSON errors: {@code {"__type": "[namespace#]Code", "message"|"Message": ...}}, or x-amzn-ErrorType. */
    private static AwsCallException error(String target, Answer answer) {
        String type = answer.errorTypeHeader();
        String message = null;
        try {
            JsonNode doc = JSON.readTree(answer.body());
            if (doc != null && doc.isObject()) {
                type = doc.path("__type").isTextual() ? doc.get("__type").asText() : type;
                JsonNode m = doc.has("message") ? doc.get("message") : doc.get("Message");
                message = m != null && m.isTextual() ? m.asText() : null;
            }
        } catch (IOException notJson) {
            // An HTML page from a proxy or load balancer: the status says enough.
        }
        return new AwsCallException(target, answer.status(), shortCode(type), message);
    }

    private static String shortCode(String type) {
        if (type == null || type.isBlank()) {
            return null;
        }
        String code = type.substring(type.lastIndexOf('#') + 1);
        int colon = code.indexOf(':'); // x-amzn-ErrorType may carry ":http://internal.amazon.com/..."
        return colon >= 0 ? code.substring(0, colon) : code;
    }

    private static boolean retryable(AwsCallException e) {
        return e.status() >= 500 || e.status() == 429 || e.errorType() != null && THROTTLING.contains(e.errorType());
    }

    private void pause(String target, int attempt) {
        long cap = retry.maxBackoff().toMillis();
        long base = Math.min(cap, retry.firstBackoff().toMillis() << Math.min(attempt - 1, 20));
        // Half fixed, half random: concurrent callers that were throttled together do not retry in step.
        long wait = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AwsCallException(target, target + " interrupted while waiting to retry", e);
        }
    }
}
