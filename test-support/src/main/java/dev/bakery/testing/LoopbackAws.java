package dev.bakery.testing;

import dev.bakery.aws.AwsClients;
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
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Plays, on 127.0.0.1, Secrets Manager (GetSecretValue, CreateSecret, DescribeSecret, DeleteSecret),
 * ECR (GetAuthorizationToken), Step Functions (StartExecution, DescribeExecution, StopExecution, and the
 * activity worker's GetActivityTask, SendTaskHeartbeat, SendTaskSuccess, SendTaskFailure) and
 * CloudWatch Logs (FilterLogEvents, CreateLogStream, PutLogEvents, GetLogEvents), checking requests the way AWS does: POST /, the service's
 * content type (AWS JSON 1.0 for Step Functions, 1.1 for the others), an X-Amz-Target the service
 * knows, a SigV4 Authorization header whose scope names that service, an X-Amz-Date within 15
 * minutes, and a signature recomputed here from the access key's secret. Errors use AWS's JSON
 * error shape. Every accepted request is recorded with its body ({@link #calls()}).
 *
 * <p>It also plays a WebSocket API's management endpoint ({@link #managementEndpoint()}, the API Gateway
 * Management API, REST-JSON): {@code POST /{stage}/@connections/{connectionId}} with the frame as the
 * body, signed for {@code execute-api} in {@link #API_REGION}. It answers 200 for an open connection;
 * 410 {@code GoneException} for one never opened or since closed; 413 for a body over 128 KiB; 403 for
 * a bad signature; and, when told to, 429 {@code LimitExceededException}, 500, or 403
 * {@code AccessDeniedException} for a role without {@code execute-api:ManageConnections}. Every
 * delivered frame is recorded ({@link #posts()}).
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

    /** Where the WebSocket API lives: its management endpoint takes signatures for this region only. */
    public static final String API_REGION = "eu-central-1";
    public static final String API_STAGE = "live";
    private static final String API_ID = "abc123defg";
    private static final int MAX_FRAME_BYTES = 128 * 1024;
    private static final Pattern CONNECTION_PATH = Pattern.compile("/" + API_STAGE + "/@connections/([^/]+)");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_1_1 = "application/x-amz-json-1.1";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final Map<String, String> TARGET_PREFIXES = Map.of(
            "secretsmanager", "secretsmanager.", "ecr", "AmazonEC2ContainerRegistry_V20150921.",
            "states", "AWSStepFunctions.", "logs", "Logs_20140328.");
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "secretsmanager", JSON_1_1, "ecr", JSON_1_1, "states", "application/x-amz-json-1.0", "logs", JSON_1_1);
    private static final String ACCOUNT = "111122223333";

    /** One accepted (correctly signed) request. */
    public record Call(String service, String region, String target, JsonNode body) {
    }

    private record Error(int status, String type, String message) {
    }

    /** A Step Functions execution as the fake keeps it; dates in epoch seconds, like the wire format. */
    public record Execution(String executionArn, String stateMachineArn, String name, String input, String status,
            double startDate, Double stopDate, String error, String cause) {

        Execution ended(String newStatus, String newError, String newCause) {
            return new Execution(executionArn, stateMachineArn, name, input, newStatus, startDate, now(), newError, newCause);
        }
    }

    /** A Secrets Manager secret with what DescribeSecret shows; {@code deletedDate} set when marked for deletion. */
    public record StoredSecret(String name, String arnSuffix, String value, String versionId, Map<String, String> tags,
            Double deletedDate) {

        public String arn(String region) {
            return "arn:aws:secretsmanager:" + region + ":" + ACCOUNT + ":secret:" + name + "-" + arnSuffix;
        }
    }

    /**
     * An activity task as the fake keeps it: {@code OPEN} until the worker reports or the test ends it,
     * then {@code SUCCEEDED}, {@code FAILED}, {@code TIMED_OUT} or {@code GONE} (no longer known at all).
     *
     * @param output the SendTaskSuccess output (a JSON string), or null
     */
    public record ActivityTask(String activityArn, String token, String input, String status, int heartbeats,
            String output, String error, String cause) {

        ActivityTask with(String newStatus, String newOutput, String newError, String newCause) {
            return new ActivityTask(activityArn, token, input, newStatus, heartbeats, newOutput, newError, newCause);
        }
    }

    /** One CloudWatch Logs event. */
    public record LogEvent(String logStream, long timestamp, String message, String eventId, long ingestionTime) {
    }

    /** A frame the management API accepted for a connection. */
    public record Post(String connectionId, String body) {
    }

    /** Where a FilterLogEvents nextToken resumes, and for which query. */
    private record Cursor(String logGroup, String filterPattern, long startTime, long endTime, int offset) {
    }

    private final HttpServer server;
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final Set<String> deniedSecrets = ConcurrentHashMap.newKeySet();
    private final Map<String, String> ecrPasswords = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger throttles = new AtomicInteger();
    private final AtomicInteger serverErrors = new AtomicInteger();
    private volatile Instant ecrExpiresAt = Instant.now().plus(Duration.ofHours(12));
    private final AtomicInteger lostResponses = new AtomicInteger();
    // Secrets Manager's bookkeeping; `secrets` above stays the value store GetSecretValue reads.
    private final Map<String, StoredSecret> storedSecrets = new ConcurrentHashMap<>();
    private volatile boolean createSecretIgnoresToken;
    private final AtomicInteger createSecretQuotesValue = new AtomicInteger();
    // Step Functions
    private final Set<String> stateMachines = ConcurrentHashMap.newKeySet();
    private final Map<String, Execution> executions = new ConcurrentHashMap<>();
    private volatile boolean stopOfEndedExecutionFails;
    private final Set<String> activities = ConcurrentHashMap.newKeySet();
    private final Map<String, java.util.concurrent.BlockingQueue<String>> activityQueues = new ConcurrentHashMap<>();
    private final Map<String, ActivityTask> activityTasks = new ConcurrentHashMap<>();
    private volatile Duration activityPollWait = Duration.ofMillis(500);
    // CloudWatch Logs
    private final Map<String, List<LogEvent>> logGroups = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> logStreams = new ConcurrentHashMap<>();
    private final Map<String, Cursor> logTokens = new ConcurrentHashMap<>();
    private final AtomicLong eventIds = new AtomicLong();
    // API Gateway Management API
    private final Set<String> connections = ConcurrentHashMap.newKeySet();
    private final List<Post> posts = new CopyOnWriteArrayList<>();
    private final AtomicInteger postRequests = new AtomicInteger();
    private final AtomicInteger postThrottles = new AtomicInteger();
    private final AtomicInteger postServerErrors = new AtomicInteger();
    private volatile boolean postsDenied;

    private LoopbackAws() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        // One thread per request, as AWS serves them: a worker's long poll must not hold up its heartbeats.
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
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

    /** The WebSocket API's management endpoint: {@code http://127.0.0.1:{port}/{stage}}. */
    public URI managementEndpoint() {
        return URI.create(endpoint() + "/" + API_STAGE);
    }

    public static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    public static StaticCredentialsProvider sessionCredentials() {
        return StaticCredentialsProvider.create(AwsSessionCredentials.create(SESSION_ACCESS_KEY, SECRET_KEY, SESSION_TOKEN));
    }

    /** Client settings for tests: this fake's keys and {@link #quickRetries} of 3 tries. */
    public static AwsClients clients(String region) {
        return new AwsClients(Region.of(region), credentials(), UrlConnectionHttpClient.create(), () -> quickRetries(3));
    }

    /** The SDK's standard retry strategy with millisecond backoffs, so that tests of retries stay quick. */
    public static RetryStrategy quickRetries(int attempts) {
        BackoffStrategy quick = BackoffStrategy.exponentialDelay(Duration.ofMillis(5), Duration.ofMillis(20));
        return AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(attempts).backoffStrategy(quick)
                .throttlingBackoffStrategy(quick).build();
    }

    public SfnClient sfn(String region) {
        return clients(region).configure(SfnClient.builder()).endpointOverride(endpoint()).build();
    }

    public SecretsManagerClient secretsManager(String region) {
        return clients(region).configure(SecretsManagerClient.builder()).endpointOverride(endpoint()).build();
    }

    public CloudWatchLogsClient logs(String region) {
        return clients(region).configure(CloudWatchLogsClient.builder()).endpointOverride(endpoint()).build();
    }

    public EcrClient ecr(String region) {
        return clients(region).configure(EcrClient.builder()).endpointOverride(endpoint()).build();
    }

    public LoopbackAws secret(String id, String value) {
        secrets.put(id, value);
        storedSecrets.put(id, new StoredSecret(id, "AbCdEf", value, UUID.randomUUID().toString(), Map.of(), null));
        return this;
    }

    /** A secret DeleteSecret has marked for deletion (with a recovery window): it is there, but unusable. */
    public LoopbackAws secretMarkedForDeletion(String id, String value) {
        secrets.put(id, value);
        storedSecrets.put(id, new StoredSecret(id, "GhIjKl", value, UUID.randomUUID().toString(), Map.of(), now()));
        return this;
    }

    /**
     * From now on CreateSecret answers ResourceExistsException for any existing name, even a repeat
     * with the same ClientRequestToken and value (which AWS documents as ignored): the stricter
     * reading, which callers must survive too.
     */
    public LoopbackAws createSecretIgnoresClientRequestToken() {
        createSecretIgnoresToken = true;
        return this;
    }

    /**
     * The next {@code n} CreateSecret calls fail with a ValidationException quoting the SecretString,
     * the way AWS's validation messages quote other members' values: to prove callers mask it.
     */
    public LoopbackAws createSecretQuotesTheValueInErrors(int n) {
        createSecretQuotesValue.set(n);
        return this;
    }

    /** Secrets Manager's secrets (by name), the ones {@link #secret} made included. */
    public Map<String, StoredSecret> storedSecrets() {
        return Map.copyOf(storedSecrets);
    }

    /** A STANDARD state machine exists in {@code region}; returns its ARN. */
    public String stateMachine(String region, String name) {
        String arn = "arn:aws:states:" + region + ":" + ACCOUNT + ":stateMachine:" + name;
        stateMachines.add(arn);
        return arn;
    }

    /** All executions, in no particular order. */
    public List<Execution> executions() {
        return List.copyOf(executions.values());
    }

    public Execution execution(String executionArn) {
        return executions.get(executionArn);
    }

    /** The execution ends on its own, e.g. {@code SUCCEEDED} or {@code FAILED}. */
    public LoopbackAws endExecution(String executionArn, String status) {
        executions.computeIfPresent(executionArn, (arn, e) -> e.ended(status, null, null));
        return this;
    }

    /**
     * StopExecution of an execution that has already ended fails with a ValidationException instead
     * of answering like a stop (AWS documents neither; callers must accept both).
     */
    public LoopbackAws stopOfEndedExecutionFails() {
        stopOfEndedExecutionFails = true;
        return this;
    }

    /** An activity exists in {@code region}; returns its ARN. */
    public String activity(String region, String name) {
        String arn = "arn:aws:states:" + region + ":" + ACCOUNT + ":activity:" + name;
        activities.add(arn);
        activityQueues.computeIfAbsent(arn, a -> new java.util.concurrent.LinkedBlockingQueue<>());
        return arn;
    }

    /** How long GetActivityTask waits for a task before answering without one (AWS: 60 s). */
    public LoopbackAws activityPollWait(Duration wait) {
        activityPollWait = wait;
        return this;
    }

    /** The state machine schedules an activity task (a Task state reached the activity); returns its token. */
    public String scheduleActivityTask(String activityArn, String inputJson) {
        if (!activities.contains(activityArn)) {
            throw new IllegalArgumentException("no activity " + activityArn);
        }
        String token = "AQB" + UUID.randomUUID().toString().replace("-", "") + "tok".repeat(40);
        activityTasks.put(token, new ActivityTask(activityArn, token, inputJson, "OPEN", 0, null, null, null));
        activityQueues.get(activityArn).add(token);
        return token;
    }

    public ActivityTask activityTask(String token) {
        return activityTasks.get(token);
    }

    /**
     * The task ends without the worker: {@code TIMED_OUT} (its timeout or heartbeat timeout passed, or its
     * execution was stopped) or {@code GONE} (Step Functions no longer knows the token).
     */
    public LoopbackAws endActivityTask(String token, String status) {
        activityTasks.computeIfPresent(token, (t, task) -> task.with(status, null, null, null));
        return this;
    }

    /** An empty log group. */
    public LoopbackAws logGroup(String name) {
        logGroups.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>());
        return this;
    }

    /** The group's events in the order they were stored. */
    public List<LogEvent> logEvents(String logGroup) {
        return List.copyOf(logGroups.getOrDefault(logGroup, List.of()));
    }

    /** One event in {@code logGroup} (created if needed); eventIds grow in the order events are added. */
    public LoopbackAws logEvent(String logGroup, String logStream, long timestamp, String message) {
        logGroup(logGroup);
        logStreams.computeIfAbsent(logGroup, g -> ConcurrentHashMap.newKeySet()).add(logStream);
        long n = eventIds.incrementAndGet();
        logGroups.get(logGroup).add(new LogEvent(logStream, timestamp, message,
                String.format("%056d", n), timestamp + 50));
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

    /**
     * The next {@code n} requests are carried out, but their answer is lost: the client gets a 500
     * InternalServiceError instead, as when a connection drops after AWS acted.
     */
    public LoopbackAws loseNextResponses(int n) {
        lostResponses.set(n);
        return this;
    }

    /** WebSocket clients connect ($connect succeeded): posts to them are delivered. */
    public LoopbackAws connect(String... connectionIds) {
        connections.addAll(List.of(connectionIds));
        return this;
    }

    /** The client went away: posts to it answer 410 Gone from now on. */
    public void disconnect(String connectionId) {
        connections.remove(connectionId);
    }

    /** The next {@code n} posts answer 429 (after their signature is checked). */
    public void throttlePosts(int n) {
        postThrottles.set(n);
    }

    /** The next {@code n} posts answer 500. */
    public void failPosts(int n) {
        postServerErrors.set(n);
    }

    /** From now on the caller's role lacks execute-api:ManageConnections. */
    public void denyPosts() {
        postsDenied = true;
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
        return posts.stream().collect(Collectors.groupingBy(Post::connectionId, TreeMap::new,
                Collectors.mapping(Post::body, Collectors.toList())));
    }

    /** Requests the management endpoint received, answered with anything. */
    public int postRequests() {
        return postRequests.get();
    }

    /** Requests that passed the checks, throttled ones included. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The bodies of the recorded calls of {@code operation} (e.g. {@code StartExecution}), in order. */
    public List<JsonNode> bodies(String operation) {
        return calls.stream().filter(c -> c.target().endsWith("." + operation)).map(Call::body).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        if (exchange.getRequestURI().getRawPath().startsWith("/" + API_STAGE + "/")) {
            managementApi(exchange);
            return;
        }
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Object answer;
            try {
                answer = answer(exchange, body);
            } catch (AwsError e) {
                answer = e.error;
            }
            String service = serviceOf(exchange);
            String contentType = service == null ? JSON_1_1 : CONTENT_TYPES.get(service);
            if (answer instanceof Error error) {
                ObjectNode doc = JSON.createObjectNode().put("__type", error.type());
                // Secrets Manager says "Message", ECR and the signature layer say "message": clients must read both.
                doc.put(error.type().endsWith("ResourceNotFoundException") ? "Message" : "message", error.message());
                send(exchange, error.status(), doc, contentType);
            } else {
                send(exchange, 200, (JsonNode) answer, contentType);
            }
        }
    }

    private static void send(HttpExchange exchange, int status, JsonNode doc, String contentType) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(doc);
        exchange.getResponseHeaders().add("Content-Type", contentType);
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
        String[] scope = verifySignature(exchange, body, TARGET_PREFIXES.keySet(), "x-amz-target");
        String service = scope[0];
        String region = scope[1];
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (!CONTENT_TYPES.get(service).equals(contentType)) {
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
        JsonNode response = switch (target) {
            case "secretsmanager.GetSecretValue" -> getSecretValue(region, request);
            case "secretsmanager.CreateSecret" -> createSecret(region, request);
            case "secretsmanager.DescribeSecret" -> describeSecret(region, request);
            case "secretsmanager.DeleteSecret" -> deleteSecret(region, request);
            case "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken" -> getAuthorizationToken(region, request);
            case "AWSStepFunctions.StartExecution" -> startExecution(region, request);
            case "AWSStepFunctions.DescribeExecution" -> describeExecution(request);
            case "AWSStepFunctions.StopExecution" -> stopExecution(request);
            case "AWSStepFunctions.GetActivityTask" -> getActivityTask(region, request);
            case "AWSStepFunctions.SendTaskHeartbeat" -> sendTaskHeartbeat(request);
            case "AWSStepFunctions.SendTaskSuccess" -> sendTaskSuccess(request);
            case "AWSStepFunctions.SendTaskFailure" -> sendTaskFailure(request);
            case "Logs_20140328.FilterLogEvents" -> filterLogEvents(request);
            case "Logs_20140328.CreateLogStream" -> createLogStream(request);
            case "Logs_20140328.PutLogEvents" -> putLogEvents(request);
            case "Logs_20140328.GetLogEvents" -> getLogEvents(request);
            default -> throw new AwsError(400, "UnknownOperationException", null);
        };
        if (lostResponses.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new AwsError(500, "InternalServiceError", "We encountered an internal error. Please try again.");
        }
        return response;
    }

    /** The service named in the request's credential scope, if it is one this fake plays. */
    private static String serviceOf(HttpExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        Matcher m = authorization == null ? null : SigV4.AUTHORIZATION.matcher(authorization);
        return m != null && m.matches() && CONTENT_TYPES.containsKey(m.group(4)) ? m.group(4) : null;
    }

    private static double now() {
        return Instant.now().toEpochMilli() / 1000.0;
    }

    private JsonNode getSecretValue(String region, JsonNode request) {
        String id = request.path("SecretId").asText();
        StoredSecret stored = findSecret(region, id);
        if (stored != null && stored.deletedDate() != null) {
            throw markedForDeletion();
        }
        id = stored != null ? stored.name() : id;
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

    // ---- Secrets Manager: the per-build secret ----

    private static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}");

    private static AwsError markedForDeletion() {
        return new AwsError(400, "InvalidRequestException",
                "You can't perform this operation on the secret because it was marked for deletion.");
    }

    private static AwsError secretNotFound() {
        return new AwsError(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    }

    /** By name or by ARN, as Secrets Manager takes a SecretId. */
    private StoredSecret findSecret(String region, String secretId) {
        StoredSecret byName = storedSecrets.get(secretId);
        if (byName != null) {
            return byName;
        }
        return storedSecrets.values().stream().filter(s -> s.arn(region).equals(secretId)).findFirst().orElse(null);
    }

    private JsonNode createSecret(String region, JsonNode request) {
        String name = request.path("Name").asText("");
        String token = request.path("ClientRequestToken").asText("");
        JsonNode valueNode = request.get("SecretString");
        if (!SECRET_NAME.matcher(name).matches()) {
            throw new AwsError(400, "ValidationException", "Invalid name. Must be a valid name containing alphanumeric"
                    + " characters, or any of the following: -/_+=.@!");
        }
        if (token.length() < 32 || token.length() > 64) {
            throw new AwsError(400, "ValidationException", "1 validation error detected: Value at 'clientRequestToken'"
                    + " failed to satisfy constraint: Member must have length between 32 and 64");
        }
        if (valueNode == null || !valueNode.isTextual()) {
            throw new AwsError(400, "InvalidParameterException", "You must provide either SecretString or SecretBinary.");
        }
        String value = valueNode.asText();
        if (createSecretQuotesValue.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new AwsError(400, "ValidationException", "1 validation error detected: Value '" + value
                    + "' at 'secretString' failed to satisfy constraint: Member must satisfy regular expression pattern");
        }
        if (value.getBytes(StandardCharsets.UTF_8).length > 65_536) {
            throw new AwsError(400, "ValidationException", "1 validation error detected: Value at 'secretString' failed"
                    + " to satisfy constraint: Member must have length less than or equal to 65536");
        }
        Map<String, String> tags = new TreeMap<>();
        for (JsonNode tag : request.path("Tags")) {
            if (!tag.path("Key").isTextual() || !tag.path("Value").isTextual()) {
                throw new AwsError(400, "ValidationException", "Tags must be a list of {Key, Value}");
            }
            tags.put(tag.get("Key").asText(), tag.get("Value").asText());
        }
        StoredSecret existing = storedSecrets.get(name);
        if (existing != null) {
            if (existing.deletedDate() != null) {
                throw new AwsError(400, "InvalidRequestException", "You can't create this secret because a secret with"
                        + " this name is already scheduled for deletion.");
            }
            // AWS: a repeat with the token of an existing version and the same value is ignored.
            if (createSecretIgnoresToken || !existing.versionId().equals(token) || !existing.value().equals(value)) {
                throw new AwsError(400, "ResourceExistsException", "The operation failed because the secret " + name
                        + " already exists.");
            }
        } else {
            String suffix = HexFormat.of().formatHex(SigV4.sha256(name.getBytes(StandardCharsets.UTF_8))).substring(0, 6);
            existing = new StoredSecret(name, suffix, value, token, Map.copyOf(tags), null);
            storedSecrets.put(name, existing);
            secrets.put(name, value);
        }
        return JSON.createObjectNode()
                .put("ARN", existing.arn(region))
                .put("Name", name)
                .put("VersionId", existing.versionId());
    }

    private JsonNode describeSecret(String region, JsonNode request) {
        StoredSecret secret = findSecret(region, request.path("SecretId").asText());
        if (secret == null) {
            throw secretNotFound();
        }
        ObjectNode response = JSON.createObjectNode()
                .put("ARN", secret.arn(region))
                .put("Name", secret.name())
                .put("CreatedDate", 1.7E9);
        if (secret.deletedDate() != null) {
            response.put("DeletedDate", secret.deletedDate());
        }
        ArrayNode tags = response.putArray("Tags");
        new TreeMap<>(secret.tags()).forEach((k, v) -> tags.addObject().put("Key", k).put("Value", v));
        response.putObject("VersionIdsToStages").putArray(secret.versionId()).add("AWSCURRENT");
        return response;
    }

    private JsonNode deleteSecret(String region, JsonNode request) {
        StoredSecret secret = findSecret(region, request.path("SecretId").asText());
        boolean force = request.path("ForceDeleteWithoutRecovery").asBoolean(false);
        if (force && request.has("RecoveryWindowInDays")) {
            throw new AwsError(400, "InvalidParameterException", "You can't use ForceDeleteWithoutRecovery in conjunction"
                    + " with RecoveryWindowInDays.");
        }
        if (secret == null) {
            throw secretNotFound();
        }
        if (secret.deletedDate() != null) {
            throw markedForDeletion();
        }
        double deletionDate = now();
        if (force) {
            storedSecrets.remove(secret.name());
            secrets.remove(secret.name());
        } else {
            storedSecrets.put(secret.name(), new StoredSecret(secret.name(), secret.arnSuffix(), secret.value(),
                    secret.versionId(), secret.tags(), deletionDate));
            deletionDate += 30 * 86_400;
        }
        return JSON.createObjectNode().put("ARN", secret.arn(region)).put("Name", secret.name()).put("DeletionDate", deletionDate);
    }

    // ---- Step Functions ----

    private static final Pattern STATE_MACHINE_ARN = Pattern.compile(
            "arn:aws:states:([a-z0-9-]+):(\\d{12}):stateMachine:([^\\s:/]{1,80})");
    private static final Pattern EXECUTION_ARN = Pattern.compile(
            "arn:aws:states:([a-z0-9-]+):(\\d{12}):execution:([^\\s:/]{1,80}):([^\\s:/]{1,80})");
    private static final String SFN_ERRORS = "com.amazonaws.swf.service.v2.model#";

    private static AwsError sfnError(String type, String message) {
        return new AwsError(400, SFN_ERRORS + type, message);
    }

    private JsonNode startExecution(String region, JsonNode request) {
        String stateMachineArn = request.path("stateMachineArn").asText("");
        Matcher arn = STATE_MACHINE_ARN.matcher(stateMachineArn);
        if (!arn.matches()) {
            throw sfnError("InvalidArn", "Invalid Arn: '" + stateMachineArn + "'");
        }
        if (!arn.group(1).equals(region)) {
            throw sfnError("InvalidArn", "Invalid Arn: 'Region does not match the region of the endpoint: " + stateMachineArn + "'");
        }
        if (!stateMachines.contains(stateMachineArn)) {
            throw sfnError("StateMachineDoesNotExist", "State Machine Does Not Exist: '" + stateMachineArn + "'");
        }
        String name = request.has("name") ? request.get("name").asText() : UUID.randomUUID().toString();
        if (name.isEmpty() || name.length() > 80 || name.chars().anyMatch(c -> Character.isWhitespace(c)
                || Character.isISOControl(c) || "<>{}[]?*\"#%\\^|~`$&,;:/".indexOf(c) >= 0)) {
            throw sfnError("InvalidName", "Invalid Name: '" + name + "'");
        }
        String input = request.has("input") ? request.get("input").asText() : "{}";
        try {
            if (JSON.readTree(input) == null) {
                throw new IOException("empty");
            }
        } catch (IOException e) {
            throw sfnError("InvalidExecutionInput", "Invalid State Machine Execution Input: 'not a JSON document'");
        }
        String executionArn = "arn:aws:states:" + region + ":" + arn.group(2) + ":execution:" + arn.group(3) + ":" + name;
        Execution existing = executions.get(executionArn);
        if (existing != null) {
            // AWS: an open execution with the same input answers like the first start; anything else is refused.
            if (!existing.status().equals("RUNNING") || !existing.input().equals(input)) {
                throw sfnError("ExecutionAlreadyExists", "Execution Already Exists: '" + executionArn + "'");
            }
        } else {
            existing = new Execution(executionArn, stateMachineArn, name, input, "RUNNING", now(), null, null, null);
            executions.put(executionArn, existing);
        }
        return JSON.createObjectNode().put("executionArn", executionArn).put("startDate", existing.startDate());
    }

    private Execution findExecution(JsonNode request) {
        String executionArn = request.path("executionArn").asText("");
        if (!EXECUTION_ARN.matcher(executionArn).matches()) {
            throw sfnError("InvalidArn", "Invalid Arn: '" + executionArn + "'");
        }
        Execution execution = executions.get(executionArn);
        if (execution == null) {
            throw sfnError("ExecutionDoesNotExist", "Execution Does Not Exist: '" + executionArn + "'");
        }
        return execution;
    }

    private JsonNode describeExecution(JsonNode request) {
        Execution execution = findExecution(request);
        ObjectNode response = JSON.createObjectNode()
                .put("executionArn", execution.executionArn())
                .put("stateMachineArn", execution.stateMachineArn())
                .put("name", execution.name())
                .put("status", execution.status())
                .put("startDate", execution.startDate())
                .put("input", execution.input())
                .put("redriveCount", 0);
        response.putObject("inputDetails").put("included", true);
        if (execution.stopDate() != null) {
            response.put("stopDate", execution.stopDate());
        }
        if (execution.error() != null) {
            response.put("error", execution.error());
        }
        if (execution.cause() != null) {
            response.put("cause", execution.cause());
        }
        return response;
    }

    private JsonNode stopExecution(JsonNode request) {
        Execution execution = findExecution(request);
        String error = request.hasNonNull("error") ? request.get("error").asText() : null;
        String cause = request.hasNonNull("cause") ? request.get("cause").asText() : null;
        if (error != null && error.length() > 256 || cause != null && cause.length() > 32_768) {
            throw sfnError("ValidationException", "1 validation error detected: error or cause is too long");
        }
        if (!execution.status().equals("RUNNING")) {
            if (stopOfEndedExecutionFails) {
                throw sfnError("ValidationException", "Execution is not running: '" + execution.executionArn() + "'");
            }
            return JSON.createObjectNode().put("stopDate", execution.stopDate());
        }
        Execution stopped = execution.ended("ABORTED", error, cause);
        executions.put(stopped.executionArn(), stopped);
        return JSON.createObjectNode().put("stopDate", stopped.stopDate());
    }

    // ---- Step Functions activities ----

    private static final Pattern ACTIVITY_ARN = Pattern.compile("arn:aws:states:([a-z0-9-]+):(\\d{12}):activity:[A-Za-z0-9_-]{1,80}");

    private JsonNode getActivityTask(String region, JsonNode request) {
        String activityArn = request.path("activityArn").asText("");
        Matcher arn = ACTIVITY_ARN.matcher(activityArn);
        if (!arn.matches() || !arn.group(1).equals(region)) {
            throw sfnError("InvalidArn", "Invalid Arn: '" + activityArn + "'");
        }
        if (!activities.contains(activityArn)) {
            throw sfnError("ActivityDoesNotExist", "Activity Does Not Exist: '" + activityArn + "'");
        }
        if (request.path("workerName").asText("").length() > 80) {
            throw sfnError("ValidationException", "1 validation error detected: Value at 'workerName' failed to satisfy"
                    + " constraint: Member must have length less than or equal to 80");
        }
        String token;
        try {
            token = activityQueues.get(activityArn).poll(activityPollWait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            token = null;
        }
        ObjectNode response = JSON.createObjectNode();
        if (token != null) {
            response.put("taskToken", token).put("input", activityTasks.get(token).input());
        }
        return response;
    }

    /** The open task of the request's token; AWS's errors for a closed or unknown one. */
    private ActivityTask openTask(JsonNode request) {
        String token = request.path("taskToken").asText("");
        ActivityTask task = activityTasks.get(token);
        if (task == null) {
            throw sfnError("InvalidToken", "Invalid token");
        }
        return switch (task.status()) {
            case "OPEN" -> task;
            case "GONE" -> throw sfnError("TaskDoesNotExist", "Task Does Not Exist: 'Provided task does not exist'");
            default -> throw sfnError("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'");
        };
    }

    private JsonNode sendTaskHeartbeat(JsonNode request) {
        ActivityTask task = openTask(request);
        activityTasks.computeIfPresent(task.token(), (t, open) -> new ActivityTask(open.activityArn(), open.token(),
                open.input(), open.status(), open.heartbeats() + 1, null, null, null));
        return JSON.createObjectNode();
    }

    private JsonNode sendTaskSuccess(JsonNode request) {
        ActivityTask task = openTask(request);
        String output = request.path("output").asText("");
        try {
            if (output.length() > 256 * 1024 || JSON.readTree(output) == null) {
                throw new IOException("not a document");
            }
        } catch (IOException e) {
            throw sfnError("InvalidOutput", "Invalid Output: 'not a JSON document of at most 256 KiB'");
        }
        activityTasks.put(task.token(), task.with("SUCCEEDED", output, null, null));
        return JSON.createObjectNode();
    }

    private JsonNode sendTaskFailure(JsonNode request) {
        ActivityTask task = openTask(request);
        String error = request.hasNonNull("error") ? request.get("error").asText() : null;
        String cause = request.hasNonNull("cause") ? request.get("cause").asText() : null;
        if (error != null && error.length() > 256 || cause != null && cause.length() > 32_768) {
            throw sfnError("ValidationException", "1 validation error detected: error or cause is too long");
        }
        activityTasks.put(task.token(), task.with("FAILED", null, error, cause));
        return JSON.createObjectNode();
    }

    // ---- CloudWatch Logs ----

    /** The one filter pattern this fake understands (CloudWatch Logs knows many more). */
    private static final Pattern BUILD_ID_FILTER = Pattern.compile("\\{\\s*\\$\\.buildId\\s*=\\s*\"([^\"*]*)\"\\s*}");
    private static final Comparator<LogEvent> STREAM_ORDER = Comparator.comparing(LogEvent::logStream)
            .thenComparingLong(LogEvent::timestamp).thenComparing(LogEvent::eventId);

    private static AwsError invalidParameter(String message) {
        return new AwsError(400, "InvalidParameterException", message);
    }

    private JsonNode filterLogEvents(JsonNode request) {
        String group = request.path("logGroupName").asText("");
        if (group.isEmpty()) {
            throw invalidParameter("1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint:"
                    + " Member must not be null");
        }
        int limit = request.has("limit") ? request.get("limit").asInt() : 10_000;
        if (limit < 1 || limit > 10_000) {
            throw invalidParameter("1 validation error detected: Value '" + limit + "' at 'limit' failed to satisfy constraint:"
                    + " Member must have value between 1 and 10000");
        }
        String pattern = request.path("filterPattern").asText("");
        String buildId = null;
        if (!pattern.isEmpty()) {
            Matcher m = BUILD_ID_FILTER.matcher(pattern);
            if (!m.matches()) {
                throw invalidParameter("Invalid filter pattern (LoopbackAws knows only { $.buildId = \"...\" }): " + pattern);
            }
            buildId = m.group(1);
        }
        long startTime = request.path("startTime").asLong(0);
        long endTime = request.has("endTime") ? request.get("endTime").asLong() : Long.MAX_VALUE;
        int offset = 0;
        if (request.hasNonNull("nextToken")) {
            Cursor cursor = logTokens.get(request.get("nextToken").asText());
            if (cursor == null || !cursor.equals(new Cursor(group, pattern, startTime, endTime, cursor.offset()))) {
                throw invalidParameter("The specified nextToken is invalid or does not belong to this query.");
            }
            offset = cursor.offset();
        }
        List<LogEvent> events = logGroups.get(group);
        if (events == null) {
            throw new AwsError(400, "ResourceNotFoundException", "The specified log group does not exist.");
        }
        String wanted = buildId;
        // Stream by stream, like a search that went through the streams one after another.
        List<LogEvent> matching = events.stream()
                .filter(e -> e.timestamp() >= startTime && e.timestamp() <= endTime)
                .filter(e -> wanted == null || wanted.equals(buildIdOf(e.message())))
                .sorted(STREAM_ORDER)
                .toList();
        int end = Math.min(matching.size(), offset + limit);
        ObjectNode response = JSON.createObjectNode();
        ArrayNode page = response.putArray("events");
        for (LogEvent e : matching.subList(Math.min(offset, end), end)) {
            page.addObject()
                    .put("logStreamName", e.logStream())
                    .put("timestamp", e.timestamp())
                    .put("message", e.message())
                    .put("ingestionTime", e.ingestionTime())
                    .put("eventId", e.eventId());
        }
        response.putArray("searchedLogStreams");
        if (end < matching.size()) {
            String token = "Bxkq6kVGFtq2y_Moigeqscgt4b5cJp-" + UUID.randomUUID();
            logTokens.put(token, new Cursor(group, pattern, startTime, endTime, end));
            response.put("nextToken", token);
        }
        return response;
    }

    private List<LogEvent> existingGroup(JsonNode request) {
        List<LogEvent> events = logGroups.get(request.path("logGroupName").asText(""));
        if (events == null) {
            throw new AwsError(400, "ResourceNotFoundException", "The specified log group does not exist.");
        }
        return events;
    }

    private JsonNode createLogStream(JsonNode request) {
        existingGroup(request);
        String stream = request.path("logStreamName").asText("");
        if (stream.isEmpty() || stream.length() > 512 || stream.contains(":") || stream.contains("*")) {
            throw invalidParameter("Invalid log stream name: " + stream);
        }
        if (!logStreams.computeIfAbsent(request.get("logGroupName").asText(), g -> ConcurrentHashMap.newKeySet()).add(stream)) {
            throw new AwsError(400, "ResourceAlreadyExistsException", "The specified log stream already exists");
        }
        return JSON.createObjectNode();
    }

    /** AWS's limits: at most 10,000 events and 1,048,576 bytes (messages plus 26 each), in time order. */
    private JsonNode putLogEvents(JsonNode request) {
        List<LogEvent> events = existingGroup(request);
        String group = request.get("logGroupName").asText();
        String stream = request.path("logStreamName").asText("");
        if (!logStreams.getOrDefault(group, Set.of()).contains(stream)) {
            throw new AwsError(400, "ResourceNotFoundException", "The specified log stream does not exist.");
        }
        JsonNode batch = request.path("logEvents");
        if (!batch.isArray() || batch.isEmpty() || batch.size() > 10_000) {
            throw invalidParameter("logEvents must hold 1 to 10000 events");
        }
        long bytes = 0;
        long previous = Long.MIN_VALUE;
        for (JsonNode event : batch) {
            String message = event.path("message").asText("");
            long timestamp = event.path("timestamp").asLong(-1);
            if (message.isEmpty() || timestamp < 0) {
                throw invalidParameter("every log event needs a message and a timestamp");
            }
            if (timestamp < previous) {
                throw invalidParameter("Log events in a single PutLogEvents request must be in chronological order.");
            }
            previous = timestamp;
            bytes += message.getBytes(StandardCharsets.UTF_8).length + 26;
        }
        if (bytes > 1_048_576) {
            throw invalidParameter("Upload too large: " + bytes + " bytes exceeds the 1048576 bytes limit");
        }
        for (JsonNode event : batch) {
            long timestamp = event.get("timestamp").asLong();
            events.add(new LogEvent(stream, timestamp, event.get("message").asText(),
                    String.format("%056d", eventIds.incrementAndGet()), System.currentTimeMillis()));
        }
        return JSON.createObjectNode().put("nextSequenceToken", "49039" + eventIds.get());
    }

    /** One page of one stream, oldest first, or the newest {@code limit} events with startFromHead false (AWS's default). */
    private JsonNode getLogEvents(JsonNode request) {
        List<LogEvent> events = existingGroup(request);
        String group = request.get("logGroupName").asText();
        String stream = request.path("logStreamName").asText("");
        if (!logStreams.getOrDefault(group, Set.of()).contains(stream)) {
            throw new AwsError(400, "ResourceNotFoundException", "The specified log stream does not exist.");
        }
        long startTime = request.path("startTime").asLong(0);
        long endTime = request.has("endTime") ? request.get("endTime").asLong() : Long.MAX_VALUE;
        int limit = request.path("limit").asInt(10_000);
        List<LogEvent> matching = events.stream()
                .filter(e -> e.logStream().equals(stream) && e.timestamp() >= startTime && e.timestamp() < endTime)
                .sorted(Comparator.comparingLong(LogEvent::timestamp).thenComparing(LogEvent::eventId))
                .toList();
        boolean fromHead = request.path("startFromHead").asBoolean(false);
        List<LogEvent> page = fromHead ? matching.subList(0, Math.min(limit, matching.size()))
                : matching.subList(Math.max(0, matching.size() - limit), matching.size());
        ObjectNode response = JSON.createObjectNode();
        ArrayNode out = response.putArray("events");
        page.forEach(e -> out.addObject().put("timestamp", e.timestamp()).put("message", e.message())
                .put("ingestionTime", e.ingestionTime()));
        // This fake pages no further: one page holds every match the limit allows.
        return response.put("nextForwardToken", "f/end").put("nextBackwardToken", "b/end");
    }

    /** {@code $.buildId} of a JSON log line, if it is a string; JSON patterns never match other lines. */
    private static String buildIdOf(String message) {
        try {
            JsonNode line = JSON.readTree(message);
            return line != null && line.path("buildId").isTextual() ? line.get("buildId").asText() : null;
        } catch (IOException notJson) {
            return null;
        }
    }

    /**
     * SigV4 as the services check it; returns {service, region} from the credential scope.
     *
     * @param services       the signing names this endpoint serves
     * @param signedToo      a header that must be signed besides host and x-amz-date, or null
     */
    private static String[] verifySignature(HttpExchange exchange, byte[] body, Set<String> services, String signedToo) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null) {
            throw new AwsError(400, "MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        Matcher m = SigV4.AUTHORIZATION.matcher(authorization);
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
        if (!services.contains(service)) {
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
        if (!signedHeaders.contains("host") || !signedHeaders.contains("x-amz-date")
                || signedToo != null && !signedHeaders.contains(signedToo)) {
            throw new AwsError(400, "InvalidSignatureException", "host, x-amz-date" + (signedToo == null ? "" : " and " + signedToo)
                    + " must be signed");
        }
        String expected;
        try {
            expected = SigV4.expectedSignature(exchange, signedHeaders, body, amzDate, region, service, accessKey, SECRET_KEY);
        } catch (IllegalArgumentException e) {
            throw new AwsError(400, "InvalidSignatureException", e.getMessage());
        }
        if (!SigV4.matches(expected, m.group(6))) {
            throw new AwsError(403, "InvalidSignatureException", "The request signature we calculated does not match the"
                    + " signature you provided. Check your AWS Secret Access Key and signing method.");
        }
        return new String[] {service, region};
    }

    /** The API Gateway Management API: REST-JSON, errors named by x-amzn-ErrorType, 403 for every failed check. */
    private void managementApi(HttpExchange exchange) throws IOException {
        try (exchange) {
            postRequests.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            Error error = null;
            try {
                post(exchange, body);
            } catch (AwsError e) {
                error = e.error;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
            if (error == null) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.getResponseHeaders().set("x-amzn-ErrorType", error.type());
            byte[] bytes = JSON.writeValueAsBytes(error.message() == null ? JSON.createObjectNode()
                    : JSON.createObjectNode().put(error.type().equals("AccessDeniedException") ? "Message" : "message", error.message()));
            exchange.sendResponseHeaders(error.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private void post(HttpExchange exchange, byte[] body) {
        Matcher route = CONNECTION_PATH.matcher(exchange.getRequestURI().getRawPath());
        if (!exchange.getRequestMethod().equals("POST") || !route.matches()) {
            throw new AwsError(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        String region;
        try {
            region = verifySignature(exchange, body, Set.of("execute-api"), null)[1];
        } catch (AwsError e) {
            throw new AwsError(403, e.error.type(), e.error.message()); // API Gateway refuses every bad signature with 403
        }
        if (!region.equals(API_REGION)) {
            throw new AwsError(403, "InvalidSignatureException", "Credential should be scoped to a valid region, not '" + region + "'.");
        }
        String connectionId = URLDecoder.decode(route.group(1).replace("+", "%2B"), StandardCharsets.UTF_8);
        if (postsDenied) {
            throw new AwsError(403, "AccessDeniedException", "User: " + CALLER + " is not authorized to perform:"
                    + " execute-api:ManageConnections on resource: arn:aws:execute-api:" + API_REGION + ":" + ACCOUNT + ":"
                    + API_ID + "/" + API_STAGE + "/POST/@connections/" + connectionId);
        }
        if (postThrottles.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new AwsError(429, "LimitExceededException", "Too Many Requests");
        }
        if (postServerErrors.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new AwsError(500, "InternalServerErrorException", "Internal server error");
        }
        if (body.length > MAX_FRAME_BYTES) {
            throw new AwsError(413, "PayloadTooLargeException", "Message too long");
        }
        if (!connections.contains(connectionId)) {
            throw new AwsError(410, "GoneException", null);
        }
        posts.add(new Post(connectionId, new String(body, StandardCharsets.UTF_8)));
    }
}
