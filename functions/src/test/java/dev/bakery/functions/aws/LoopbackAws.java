package dev.bakery.functions.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * Plays Secrets Manager (GetSecretValue) and ECR (GetAuthorizationToken) on 127.0.0.1, checking
 * requests the way AWS does: POST /, the JSON 1.1 content type, an X-Amz-Target the service knows,
 * a SigV4 Authorization header whose scope names that service, an X-Amz-Date within 15 minutes,
 * and a signature recomputed here from the access key's secret. Errors use AWS's JSON error shape.
 * Why not LocalStack: it needs Docker, which these machines lack.
 */
public final class LoopbackAws implements AutoCloseable {

    public static final String ACCESS_KEY = "AKIALOOPBACKTEST0001";
    public static final String SECRET_KEY = "loopback/secret/key/for/tests/only/0000";
    /** Temporary credentials (what Lambda gets) use another key id and must send this token, signed. */
    public static final String SESSION_ACCESS_KEY = "ASIALOOPBACKTEST0001";
    public static final String SESSION_TOKEN = "loopback-session-token";
    /** The account our fake caller belongs to, quoted in AccessDenied messages like AWS does. */
    public static final String CALLER = "arn:aws:sts::111122223333:assumed-role/bakery-functions/test";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final Map<String, String> TARGET_PREFIXES = Map.of(
            "secretsmanager", "secretsmanager.", "ecr", "AmazonEC2ContainerRegistry_V20150921.");

    /** One accepted (correctly signed) request. */
    public record Call(String service, String region, String target, JsonNode body) {
    }

    private record Error(int status, String type, String message) {
    }

    private final HttpServer server;
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final Set<String> deniedSecrets = ConcurrentHashMap.newKeySet();
    private final Map<String, String> ecrPasswords = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger throttles = new AtomicInteger();
    private final AtomicInteger serverErrors = new AtomicInteger();
    private volatile Instant ecrExpiresAt = Instant.now().plus(Duration.ofHours(12));

    private LoopbackAws() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public static LoopbackAws start() {
        try {
            return new LoopbackAws();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    public static StaticCredentialsProvider sessionCredentials() {
        return StaticCredentialsProvider.create(AwsSessionCredentials.create(SESSION_ACCESS_KEY, SECRET_KEY, SESSION_TOKEN));
    }

    /** A client for this server with quick retries, signing for {@code service} in {@code region}. */
    public AwsJsonClient client(AwsService service, String region) {
        return new AwsJsonClient(service, region, endpoint(), credentials(), UrlConnectionHttpClient.create(),
                new AwsJsonClient.Retry(3, Duration.ofMillis(5), Duration.ofMillis(20)));
    }

    public LoopbackAws secret(String id, String value) {
        secrets.put(id, value);
        return this;
    }

    /** The secret exists, but our caller's policy does not allow reading it. */
    public LoopbackAws deniedSecret(String id) {
        secrets.put(id, "unreachable");
        deniedSecrets.add(id);
        return this;
    }

    /** ECR gives our caller a token for this account's registry; other accounts are denied. */
    public LoopbackAws ecrRegistry(String account, String password) {
        ecrPasswords.put(account, password);
        return this;
    }

    public LoopbackAws ecrTokensExpireAt(Instant expiresAt) {
        ecrExpiresAt = expiresAt;
        return this;
    }

    /** The next {@code n} requests are refused with ThrottlingException. */
    public LoopbackAws throttleNext(int n) {
        throttles.set(n);
        return this;
    }

    /** The next {@code n} requests fail with 500 InternalServiceError. */
    public LoopbackAws failNext(int n) {
        serverErrors.set(n);
        return this;
    }

    /** Requests that passed the checks, throttled ones included. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Object answer;
            try {
                answer = answer(exchange, body);
            } catch (AwsError e) {
                answer = e.error;
            }
            if (answer instanceof Error error) {
                ObjectNode doc = JSON.createObjectNode().put("__type", error.type());
                // Secrets Manager says "Message", ECR and the signature layer say "message": clients must read both.
                doc.put(error.type().endsWith("ResourceNotFoundException") ? "Message" : "message", error.message());
                send(exchange, error.status(), doc);
            } else {
                send(exchange, 200, (JsonNode) answer);
            }
        }
    }

    private static void send(HttpExchange exchange, int status, JsonNode doc) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(doc);
        exchange.getResponseHeaders().add("Content-Type", CONTENT_TYPE);
        exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static final class AwsError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Error error;

        AwsError(int status, String type, String message) {
            super(type + ": " + message, null, false, false);
            this.error = new Error(status, type, message);
        }
    }

    private Object answer(HttpExchange exchange, byte[] body) throws IOException {
        if (!exchange.getRequestMethod().equals("POST") || !exchange.getRequestURI().getRawPath().equals("/")) {
            throw new AwsError(404, "UnknownOperationException", null);
        }
        String[] scope = verifySignature(exchange, body);
        String service = scope[0];
        String region = scope[1];
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (!CONTENT_TYPE.equals(contentType)) {
            throw new AwsError(400, "SerializationException", "unexpected content type " + contentType);
        }
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        if (target == null || !target.startsWith(TARGET_PREFIXES.get(service))) {
            throw new AwsError(400, "UnknownOperationException", null);
        }
        JsonNode request = JSON.readTree(body);
        calls.add(new Call(service, region, target, request));
        if (throttles.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new AwsError(400, "com.amazonaws." + service + "#ThrottlingException", "Rate exceeded");
        }
        if (serverErrors.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new AwsError(500, "InternalServiceError", "We encountered an internal error. Please try again.");
        }
        return switch (target) {
            case "secretsmanager.GetSecretValue" -> getSecretValue(region, request);
            case "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken" -> getAuthorizationToken(region, request);
            default -> throw new AwsError(400, "UnknownOperationException", null);
        };
    }

    private JsonNode getSecretValue(String region, JsonNode request) {
        String id = request.path("SecretId").asText();
        if (deniedSecrets.contains(id)) {
            throw new AwsError(400, "AccessDeniedException", "User: " + CALLER + " is not authorized to perform:"
                    + " secretsmanager:GetSecretValue on resource: " + id
                    + " because no identity-based policy allows the secretsmanager:GetSecretValue action");
        }
        String value = secrets.get(id);
        if (value == null) {
            throw new AwsError(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
        }
        return JSON.createObjectNode()
                .put("ARN", "arn:aws:secretsmanager:" + region + ":111122223333:secret:" + id + "-AbCdEf")
                .put("Name", id)
                .put("SecretString", value)
                .put("VersionId", "b3e6b4a8-0d5c-4d2e-9d5a-2f1e8c7a9b10")
                .put("CreatedDate", 1.7E9)
                .set("VersionStages", JSON.createArrayNode().add("AWSCURRENT"));
    }

    private JsonNode getAuthorizationToken(String region, JsonNode request) {
        ArrayNode data = JSON.createArrayNode();
        for (JsonNode id : request.path("registryIds")) {
            String password = ecrPasswords.get(id.asText());
            if (password == null) {
                throw new AwsError(400, "AccessDeniedException", "User: " + CALLER + " is not authorized to perform:"
                        + " ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the"
                        + " ecr:GetAuthorizationToken action");
            }
            data.addObject()
                    .put("authorizationToken", Base64.getEncoder().encodeToString(("AWS:" + password).getBytes(StandardCharsets.UTF_8)))
                    .put("expiresAt", ecrExpiresAt.toEpochMilli() / 1000.0)
                    .put("proxyEndpoint", "https://" + id.asText() + ".dkr.ecr." + region + ".amazonaws.com");
        }
        ObjectNode response = JSON.createObjectNode();
        response.set("authorizationData", data);
        return response;
    }

    /** SigV4 as the services check it; returns {service, region} from the credential scope. */
    private static String[] verifySignature(HttpExchange exchange, byte[] body) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null) {
            throw new AwsError(400, "MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        Matcher m = AUTHORIZATION.matcher(authorization);
        if (!m.matches()) {
            throw new AwsError(400, "IncompleteSignatureException", "Authorization header requires Credential, SignedHeaders and Signature");
        }
        String accessKey = m.group(1);
        String date = m.group(2);
        String region = m.group(3);
        String service = m.group(4);
        List<String> signedHeaders = List.of(m.group(5).split(";"));
        boolean temporary = accessKey.equals(SESSION_ACCESS_KEY);
        if (!accessKey.equals(ACCESS_KEY) && !temporary) {
            throw new AwsError(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        if (temporary && !(SESSION_TOKEN.equals(exchange.getRequestHeaders().getFirst("X-Amz-Security-Token"))
                && signedHeaders.contains("x-amz-security-token"))) {
            throw new AwsError(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        if (!TARGET_PREFIXES.containsKey(service)) {
            throw new AwsError(400, "InvalidSignatureException", "Credential should be scoped to correct service.");
        }
        String amzDate = exchange.getRequestHeaders().getFirst("X-Amz-Date");
        Instant signedAt;
        try {
            signedAt = LocalDateTime.parse(amzDate == null ? "" : amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new AwsError(400, "IncompleteSignatureException", "X-Amz-Date is missing or malformed");
        }
        if (!amzDate.startsWith(date)) {
            throw new AwsError(400, "InvalidSignatureException", "Credential should be scoped to a valid date: " + amzDate);
        }
        if (Duration.between(signedAt, Instant.now()).abs().compareTo(Duration.ofMinutes(15)) > 0) {
            throw new AwsError(400, "InvalidSignatureException", "Signature expired: " + amzDate);
        }
        if (!signedHeaders.contains("host") || !signedHeaders.contains("x-amz-date") || !signedHeaders.contains("x-amz-target")) {
            throw new AwsError(400, "InvalidSignatureException", "host, x-amz-date and x-amz-target must be signed");
        }
        StringBuilder canonical = new StringBuilder("POST\n/\n\n");
        for (String name : signedHeaders) {
            List<String> values = exchange.getRequestHeaders().get(name);
            if (values == null) {
                throw new AwsError(400, "InvalidSignatureException", "signed header " + name + " is missing");
            }
            List<String> trimmed = new ArrayList<>();
            values.forEach(v -> trimmed.add(v.strip().replaceAll(" +", " ")));
            canonical.append(name).append(':').append(String.join(",", trimmed)).append('\n');
        }
        canonical.append('\n').append(String.join(";", signedHeaders)).append('\n').append(hex(sha256(body)));
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + SECRET_KEY).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        String expected = hex(hmac(key, toSign));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), m.group(6).getBytes(StandardCharsets.US_ASCII))) {
            throw new AwsError(403, "InvalidSignatureException", "The request signature we calculated does not match the"
                    + " signature you provided. Check your AWS Secret Access Key and signing method.");
        }
        return new String[] {service, region};
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
