package dev.bakery.functions.live;

import dev.bakery.functions.testing.SigV4;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.bakery.functions.aws.AwsClients;
import dev.bakery.functions.aws.LoopbackAws;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Plays, on 127.0.0.1, a WebSocket API's management endpoint (the API Gateway Management API) for
 * PostToConnection: {@code POST /{stage}/@connections/{connectionId}} with the frame as the body, as
 * the SDK sends it. Checked like AWS does: a SigV4 Authorization header whose credential scope names
 * service {@code execute-api} and this server's region, an X-Amz-Date within 15 minutes that matches
 * the scope's date, and a signature recomputed here from {@link LoopbackAws#SECRET_KEY} (canonical URI
 * double-encoded, as for every service but S3). Answers: 200 (empty body) for an open connection;
 * 410 {@code GoneException} for one never opened or since closed, like API Gateway; 413 for a body over
 * 128 KiB; and, when told to, 429 {@code LimitExceededException}, 500, or 403 {@code AccessDeniedException}
 * for a role without {@code execute-api:ManageConnections}. Every delivered frame is recorded.
 */
public final class LoopbackApiGateway implements AutoCloseable {

    public static final String REGION = "eu-central-1";
    public static final String STAGE = "live";
    public static final String ACCOUNT = "111122223333";
    public static final String API_ID = "abc123defg";
    private static final int MAX_DATA_BYTES = 128 * 1024;
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    /** A frame API Gateway accepted for a connection. */
    public record Post(String connectionId, String body) {
    }

    private final HttpServer server;
    private final Set<String> open = ConcurrentHashMap.newKeySet();
    private final List<Post> posts = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger throttles = new AtomicInteger();
    private final AtomicInteger serverErrors = new AtomicInteger();
    private volatile boolean denied;

    private LoopbackApiGateway() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public static LoopbackApiGateway start() {
        try {
            return new LoopbackApiGateway();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The management endpoint to configure: {@code http://127.0.0.1:{port}/{stage}}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + STAGE);
    }

    /** Credentials this server accepts. */
    public static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(LoopbackAws.ACCESS_KEY, LoopbackAws.SECRET_KEY));
    }

    /** Client settings for this server: its region and keys, the SDK's retries with quick backoffs (4 tries). */
    public static AwsClients clients() {
        return new AwsClients(Region.of(REGION), credentials(), UrlConnectionHttpClient.create(), () -> LoopbackAws.quickRetries(4));
    }

    /** A poster to this server. */
    public ApiGatewayConnections connections() {
        return new ApiGatewayConnections(endpoint(), clients());
    }

    /** Clients connect ($connect succeeded): posts to them are delivered. */
    public LoopbackApiGateway connect(String... connectionIds) {
        open.addAll(List.of(connectionIds));
        return this;
    }

    /** The client went away: posts to it answer 410 Gone from now on. */
    public void disconnect(String connectionId) {
        open.remove(connectionId);
    }

    /** The next {@code n} requests answer 429 (after their signature is checked). */
    public void throttle(int n) {
        throttles.set(n);
    }

    /** The next {@code n} requests answer 500. */
    public void failServer(int n) {
        serverErrors.set(n);
    }

    /** From now on the caller's role lacks execute-api:ManageConnections. */
    public void deny() {
        denied = true;
    }

    /** Every delivered frame, in arrival order. */
    public List<Post> posts() {
        return List.copyOf(posts);
    }

    /** The bodies delivered to one connection, in order. */
    public List<String> postsTo(String connectionId) {
        return posts.stream().filter(p -> p.connectionId().equals(connectionId)).map(Post::body).toList();
    }

    /** The delivered frames by connection. */
    public Map<String, List<String>> postsByConnection() {
        return posts.stream().collect(Collectors.groupingBy(Post::connectionId, java.util.TreeMap::new,
                Collectors.mapping(Post::body, Collectors.toList())));
    }

    /** Requests received, answered with anything. */
    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private record Answer(int status, String errorType, String body) {
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        Answer answer;
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            answer = answer(exchange, body);
        } catch (RuntimeException e) {
            answer = new Answer(500, "InternalServerErrorException", "{\"message\":\"" + e + "\"}");
        }
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        if (answer.errorType() != null) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", answer.errorType());
        }
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    private Answer answer(HttpExchange exchange, byte[] body) {
        String rawPath = exchange.getRequestURI().getRawPath();
        Matcher route = Pattern.compile("/" + STAGE + "/@connections/([^/]+)").matcher(rawPath);
        if (!exchange.getRequestMethod().equals("POST") || !route.matches()) {
            return new Answer(403, "MissingAuthenticationTokenException", "{\"message\":\"Missing Authentication Token\"}");
        }
        Answer refused = verifySignature(exchange, body);
        if (refused != null) {
            return refused;
        }
        String connectionId = URLDecoder.decode(route.group(1).replace("+", "%2B"), StandardCharsets.UTF_8);
        if (denied) {
            return new Answer(403, "AccessDeniedException", "{\"Message\":\"User: arn:aws:sts::" + ACCOUNT
                    + ":assumed-role/bakery-log-forwarder/test is not authorized to perform: execute-api:ManageConnections"
                    + " on resource: arn:aws:execute-api:" + REGION + ":" + ACCOUNT + ":" + API_ID + "/" + STAGE
                    + "/POST/@connections/" + connectionId + "\"}");
        }
        if (throttles.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return new Answer(429, "LimitExceededException", "{\"message\":\"Too Many Requests\"}");
        }
        if (serverErrors.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return new Answer(500, "InternalServerErrorException", "{\"message\":\"Internal server error\"}");
        }
        if (body.length > MAX_DATA_BYTES) {
            return new Answer(413, "PayloadTooLargeException", "{\"message\":\"Message too long\"}");
        }
        if (!open.contains(connectionId)) {
            return new Answer(410, "GoneException", "{}");
        }
        posts.add(new Post(connectionId, new String(body, StandardCharsets.UTF_8)));
        return new Answer(200, null, "");
    }

    private static Answer signatureError(int status, String type, String message) {
        return new Answer(status, type, "{\"message\":\"" + message + "\"}");
    }

    private static Answer verifySignature(HttpExchange exchange, byte[] body) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null) {
            return signatureError(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        Matcher m = SigV4.AUTHORIZATION.matcher(authorization);
        if (!m.matches()) {
            return signatureError(403, "IncompleteSignatureException", "Authorization header requires Credential, SignedHeaders and Signature");
        }
        String date = m.group(2);
        if (!m.group(1).equals(LoopbackAws.ACCESS_KEY)) {
            return signatureError(403, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        if (!m.group(3).equals(REGION)) {
            return signatureError(403, "InvalidSignatureException", "Credential should be scoped to a valid region, not '" + m.group(3) + "'.");
        }
        if (!m.group(4).equals("execute-api")) {
            return signatureError(403, "InvalidSignatureException", "Credential should be scoped to correct service: 'execute-api'.");
        }
        String amzDate = exchange.getRequestHeaders().getFirst("X-Amz-Date");
        Instant signedAt;
        try {
            signedAt = LocalDateTime.parse(amzDate == null ? "" : amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return signatureError(403, "IncompleteSignatureException", "X-Amz-Date is missing or malformed");
        }
        if (!amzDate.startsWith(date)) {
            return signatureError(403, "InvalidSignatureException", "Credential should be scoped to a valid date: " + amzDate);
        }
        if (Duration.between(signedAt, Instant.now()).abs().compareTo(Duration.ofMinutes(15)) > 0) {
            return signatureError(403, "InvalidSignatureException", "Signature expired: " + amzDate);
        }
        List<String> signedHeaders = List.of(m.group(5).split(";"));
        if (!signedHeaders.contains("host") || !signedHeaders.contains("x-amz-date")) {
            return signatureError(403, "InvalidSignatureException", "host and x-amz-date must be signed");
        }
        String expected;
        try {
            expected = SigV4.expectedSignature(exchange, signedHeaders, body, amzDate, REGION, "execute-api",
                    LoopbackAws.ACCESS_KEY, LoopbackAws.SECRET_KEY);
        } catch (IllegalArgumentException e) {
            return signatureError(403, "InvalidSignatureException", e.getMessage());
        }
        if (!SigV4.matches(expected, m.group(6))) {
            return signatureError(403, "InvalidSignatureException", "The request signature we calculated does not match the"
                    + " signature you provided. Check your AWS Secret Access Key and signing method.");
        }
        return null;
    }
}
