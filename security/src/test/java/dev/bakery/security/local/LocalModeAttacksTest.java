package dev.bakery.security.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.testing.BakeryJars;
import dev.bakery.testing.OtherUser;
import dev.bakery.testing.SigV4;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Attacks on a running bakery-local ({@code java -jar bakery-local.jar}, started under the test's
 * umask, which lets others read new files), by another user of the machine ({@code nobody} through
 * {@code setpriv}, with Python) and by a web page its owner opens (what a browser sends: an
 * {@code Origin}, a {@code text/plain} or form body that needs no CORS preflight, a DNS-rebound
 * {@code Host}). Each is refused with a clear message and changes nothing: the builds listed with
 * the run's keys and the registry's tag stay as they were. The owner's CLI, which signs with the
 * keys of the endpoint file, builds a context whose pre-script and RUN step dump every environment
 * they can reach, and the run's secret key is in none of the build's log lines the API serves.
 */
class LocalModeAttacksTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** One HTTP request as given (any Host, any header), printed back as {"status": N, "body": "..."}. */
    private static final String REQUEST = """
            import http.client, json, sys
            port, method, path, headers, body = int(sys.argv[1]), sys.argv[2], sys.argv[3], json.loads(sys.argv[4]), sys.argv[5]
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            c.putrequest(method, path, skip_host="Host" in headers, skip_accept_encoding=True)
            for name, value in headers.items():
                c.putheader(name, value)
            data = body.encode() if body else None
            if data is not None:
                c.putheader("Content-Length", str(len(data)))
            c.endheaders(data)
            r = c.getresponse()
            print(json.dumps({"status": r.status, "body": r.read().decode("utf-8", "replace")}))
            """;
    /** Tries to open each file; prints {path: "read" | "denied" | error type}. */
    private static final String READ_FILES = """
            import json, sys
            out = {}
            for path in sys.argv[1:]:
                try:
                    open(path, "rb").read(1); out[path] = "read"
                except PermissionError:
                    out[path] = "denied"
                except Exception as e:
                    out[path] = type(e).__name__
            print(json.dumps(out))
            """;
    private static final String REPOSITORY = "attacks/app";

    @TempDir
    static Path temp;

    private static Path dataDir;
    private static Process local;
    private static int port;
    private static String registry;
    private static JsonNode endpoint;
    private static AwsCredentialsIdentity keys;
    private static BakeryJars.Run build;
    private static String buildId;

    /** Another user's door to the data dir is open (the temp dir is root's own); the data dir was made world-readable. */
    @BeforeAll
    static void startLocalModeAndBuildWithTheCli() throws Exception {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        dataDir = Files.createDirectory(temp.resolve("data"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        int registryPort;
        try (ServerSocket free = new ServerSocket(0)) {
            registryPort = free.getLocalPort();
        }
        local = BakeryJars.startLocal(dataDir, temp.resolve("bakery-local.log"), "--registry-port", Integer.toString(registryPort));
        endpoint = JSON.readTree(dataDir.resolve("endpoint.json").toFile());
        port = URI.create(endpoint.path("rest").asText()).getPort();
        registry = endpoint.path("registry").asText();
        keys = AwsCredentialsIdentity.create(endpoint.at("/credentials/accessKeyId").asText(),
                endpoint.at("/credentials/secretAccessKey").asText());

        Path repo = Files.createDirectories(temp.resolve("repo"));
        Files.copy(Path.of("/bin/busybox"), repo.resolve("busybox"));
        Files.writeString(repo.resolve("Dockerfile"), """
                FROM scratch
                COPY busybox /bin/busybox
                RUN ["/bin/busybox", "sh", "-c", "/bin/busybox env; /bin/busybox cat /proc/*/environ | /bin/busybox tr '\\\\0' '\\\\n'; true"]
                """);
        Files.writeString(repo.resolve("bakery.yaml"), """
                global:
                  pre-script: |
                    env
                    cat /proc/*/environ | tr '\\0' '\\n'
                  kaniko: {destination: "%s/%s:1"}
                bake:
                - arch: amd64
                """.formatted(registry, REPOSITORY));
        build = BakeryJars.cli(dataDir, "build", "--config", repo.resolve("bakery.yaml").toString(), "--repo", repo.toString(),
                "--endpoint", "local");
        assertThat(build.exit()).as(build.output()).isZero();
        buildId = build.buildId("default");
    }

    @AfterAll
    static void stopLocalMode() throws Exception {
        if (local != null) {
            BakeryJars.stop(local);
        }
    }

    // --- another user of the machine ---

    @Test
    void anotherUsersUnsignedContextUploadIsRefused() throws Exception {
        JsonNode answer = asNobody("POST", "/contexts", Map.of("Content-Type", "application/json"),
                "{\"sha256\":\"" + "a".repeat(64) + "\",\"size\":10}");

        assertRefused(answer, 403, "not_signed", "Missing Authentication Token", "bakery --endpoint local");
    }

    @Test
    void anotherUsersUnsignedBuildSubmissionIsRefusedAndNoBuildAppears() throws Exception {
        List<String> before = buildIds();

        JsonNode answer = asNobody("POST", "/builds", Map.of("Content-Type", "application/json"), submission());

        assertRefused(answer, 403, "not_signed", "Missing Authentication Token");
        assertThat(buildIds()).isEqualTo(before);
    }

    @Test
    void anotherUsersForgedSignatureWithAGuessedKeyIsRefused() throws Exception {
        Map<String, String> headers = new LinkedHashMap<>(Map.of("Content-Type", "application/json"));
        headers.putAll(SigV4.sign("POST", rest("/builds"), submission().getBytes(StandardCharsets.UTF_8),
                AwsCredentialsIdentity.create("BKLGUESSEDKEY0000000", "guessed".repeat(5)), "us-east-1", "execute-api"));
        List<String> before = buildIds();

        JsonNode answer = asNobody("POST", "/builds", headers, submission());

        assertRefused(answer, 403, "not_signed", "security token included in the request is invalid");
        assertThat(buildIds()).isEqualTo(before);
    }

    @Test
    void theRunsKeyIdWithAWrongSecretIsRefused() throws Exception {
        byte[] body = submission().getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>(Map.of("Content-Type", "application/json"));
        headers.putAll(SigV4.sign("POST", rest("/builds"), body,
                AwsCredentialsIdentity.create(keys.accessKeyId(), "x".repeat(40)), "us-east-1", "execute-api"));
        List<String> before = buildIds();

        JsonNode answer = asNobody("POST", "/builds", headers, submission());

        assertRefused(answer, 403, "not_signed", "signature we calculated does not match");
        assertThat(buildIds()).isEqualTo(before);
    }

    @Test
    void anotherUsersUnsignedWebSocketUpgradeIsRefused() throws Exception {
        JsonNode answer = asNobody("GET", "/ws", Map.of("Connection", "Upgrade", "Upgrade", "websocket",
                "Sec-WebSocket-Version", "13", "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), "");

        assertRefused(answer, 403, "not_signed", "Missing Authentication Token");
    }

    @Test
    void anotherUserCannotReadTheEndpointFileWithTheKeys() throws Exception {
        Path file = dataDir.resolve("endpoint.json");
        assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE);

        JsonNode got = readAsNobody(List.of(file));

        assertThat(got.path(file.toString()).asText()).isEqualTo("denied");
    }

    @Test
    void anotherUserCannotReadAnyFileTheRunWroteThoughTheUmaskLetsOthersRead() throws Exception {
        // The precondition: files made under this umask are readable by others.
        Path probe = Files.writeString(temp.resolve("umask-probe"), "x");
        assertThat(Files.getPosixFilePermissions(probe)).contains(PosixFilePermission.OTHERS_READ);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dataDir)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).anyMatch(f -> f.startsWith(dataDir.resolve("logs")))
                .anyMatch(f -> f.startsWith(dataDir.resolve("dynamodb"))).anyMatch(f -> f.startsWith(dataDir.resolve("s3")))
                .anyMatch(f -> f.startsWith(dataDir.resolve("registry")));

        JsonNode got = readAsNobody(files);

        assertThat(Files.getPosixFilePermissions(dataDir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        for (Path file : files) {
            assertThat(got.path(file.toString()).asText()).as(file.toString()).isEqualTo("denied");
        }
    }

    @Test
    void anotherUsersAnonymousPushToTheRegistryIsRefusedAndTheTagStays() throws Exception {
        String digest = tagDigest();

        JsonNode upload = asNobody(registryPort(), "POST", "/v2/" + REPOSITORY + "/blobs/uploads/", Map.of(), "");
        JsonNode overwrite = asNobody(registryPort(), "PUT", "/v2/" + REPOSITORY + "/manifests/1",
                Map.of("Content-Type", "application/vnd.oci.image.manifest.v1+json"),
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"layers\":[]}");
        JsonNode delete = asNobody(registryPort(), "DELETE", "/v2/" + REPOSITORY + "/manifests/" + digest, Map.of(), "");

        for (JsonNode answer : List.of(upload, overwrite, delete)) {
            assertThat(answer.path("status").asInt()).as(answer.toString()).isEqualTo(401);
            assertThat(answer.path("body").asText()).contains("UNAUTHORIZED", "needs the run's registry login");
        }
        assertThat(tagDigest()).isEqualTo(digest);
    }

    @Test
    void anotherUserWithAGuessedRegistryLoginCannotPush() throws Exception {
        String digest = tagDigest();
        String guessed = java.util.Base64.getEncoder().encodeToString(
                (endpoint.at("/registryLogin/username").asText() + ":guessed").getBytes(StandardCharsets.UTF_8));

        JsonNode overwrite = asNobody(registryPort(), "PUT", "/v2/" + REPOSITORY + "/manifests/1",
                Map.of("Authorization", "Basic " + guessed, "Content-Type", "application/vnd.oci.image.manifest.v1+json"),
                "{\"schemaVersion\":2,\"layers\":[]}");

        assertThat(overwrite.path("status").asInt()).isEqualTo(401);
        assertThat(overwrite.path("body").asText()).contains("wrong login for bakery-local's registry");
        assertThat(tagDigest()).isEqualTo(digest);
    }

    @Test
    void anotherUserStillPullsAnonymously() throws Exception {
        JsonNode pulled = asNobody(registryPort(), "GET", "/v2/" + REPOSITORY + "/manifests/1",
                Map.of("Accept", "application/vnd.oci.image.manifest.v1+json"), "");

        assertThat(pulled.path("status").asInt()).isEqualTo(200);
        assertThat(pulled.path("body").asText()).contains("\"layers\"");
    }

    // --- a web page the owner opens ---

    @Test
    void aPagesTextPlainPostWhichNeedsNoPreflightIsRefused() throws Exception {
        List<String> before = buildIds();

        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(rest("/builds")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(submission())).build(), HttpResponse.BodyHandlers.ofString());

        assertRefused(answer, 415, "unsupported_media_type", "must be application/json");
        assertThat(buildIds()).isEqualTo(before);
    }

    @Test
    void aPagesFormPostIsRefused() throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(rest("/builds"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("context=contexts%2Fx.tar.gz")).build(), HttpResponse.BodyHandlers.ofString());

        assertRefused(answer, 415, "unsupported_media_type", "application/x-www-form-urlencoded");
    }

    @Test
    void aPagesMultipartPostIsRefused() throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(rest("/contexts"))
                .header("Content-Type", "multipart/form-data; boundary=x")
                .POST(HttpRequest.BodyPublishers.ofString("--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--x--\r\n"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertRefused(answer, 415, "unsupported_media_type", "multipart/form-data");
    }

    @Test
    void aRequestWithABrowsersOriginIsRefusedEvenWhenSigned() throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(rest("/builds")).header("Origin", "https://evil.example").GET();
        SigV4.sign("GET", rest("/builds"), new byte[0], keys, "us-east-1", "execute-api").forEach(request::header);

        HttpResponse<String> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());

        assertRefused(answer, 403, "browser_refused", "web pages");
    }

    @Test
    void aWebSocketUpgradeWithABrowsersOriginIsRefusedEvenWhenSigned() {
        URI ws = URI.create(endpoint.path("websocket").asText());
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().header("Origin", "https://evil.example");
        SigV4.sign("GET", ws, new byte[0], keys, "us-east-1", "execute-api").forEach(builder::header);

        CompletionException refused = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                () -> builder.buildAsync(ws, new WebSocket.Listener() { }).join());

        assertThat(refused.getCause()).isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode()).isEqualTo(403);
    }

    @Test
    void aDnsRebindingPagesForgedHostIsRefused() throws Exception {
        List<String> before = buildIds();

        JsonNode answer = python(false, port, "POST", "/builds", Map.of("Host", "evil.example:" + port,
                "Content-Type", "application/json"), submission());

        assertRefused(answer, 403, "wrong_host", "answers only requests for 127.0.0.1:" + port);
        assertThat(buildIds()).isEqualTo(before);
    }

    @Test
    void localhostAsHostIsRefusedToo() throws Exception {
        JsonNode answer = python(false, port, "GET", "/builds", Map.of("Host", "localhost:" + port), "");

        assertRefused(answer, 403, "wrong_host", "Host \"localhost:" + port + "\" is not this server's");
    }

    // --- the build's own scripts ---

    @Test
    void thePreScriptAndRunStepsDumpingEveryEnvironmentLeakNoKeyIntoTheLogs() throws Exception {
        HttpResponse<String> logs = signed("GET", "/builds/" + buildId + "/logs?limit=10000");
        assertThat(logs.statusCode()).isEqualTo(200);
        String lines = logs.body();
        // The attack ran: environments were printed, the agent's among them.
        assertThat(lines).contains("PATH=", "BAKERY_TABLE=");
        assertThat(lines).doesNotContain(keys.secretAccessKey()).doesNotContain(keys.accessKeyId())
                .doesNotContain(endpoint.at("/registryLogin/password").asText());
        assertThat(build.output()).doesNotContain(keys.secretAccessKey());
    }

    // --- the owner ---

    @Test
    void theOwnersCliWithEndpointLocalSignsListsAndFollows() throws Exception {
        assertThat(build.output()).contains("build " + buildId + " SUCCEEDED");

        BakeryJars.Run list = BakeryJars.cli(dataDir, "list", "--endpoint", "local");

        assertThat(list.exit()).as(list.output()).isZero();
        assertThat(list.output()).contains(buildId);
    }

    @Test
    void aPlainLoopbackUrlWithoutTheEndpointFileSaysToUseEndpointLocal() throws Exception {
        BakeryJars.Run list = BakeryJars.cli(temp.resolve("elsewhere"), "list", "--endpoint", endpoint.path("rest").asText());

        assertThat(list.exit()).isEqualTo(2);
        assertThat(list.output()).contains("is a local address", "use --endpoint local");
    }

    // --- helpers ---

    private static URI rest(String path) {
        return URI.create(endpoint.path("rest").asText() + path);
    }

    private static int registryPort() {
        return Integer.parseInt(registry.substring(registry.lastIndexOf(':') + 1));
    }

    /** A well-formed submission of an existing context, as a page would forge it. */
    private static String submission() throws IOException {
        return JSON.writeValueAsString(Map.of("context", "contexts/" + "b".repeat(64) + ".tar.gz", "plan",
                Map.of("tasks", List.of(Map.of("arch", "amd64", "preScript", "id > /tmp/pwned")))));
    }

    private static HttpResponse<String> signed(String method, String path) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(rest(path)).method(method, HttpRequest.BodyPublishers.noBody());
        SigV4.sign(method, rest(path), new byte[0], keys, "us-east-1", "execute-api").forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every build id, listed with the run's keys. */
    private static List<String> buildIds() throws Exception {
        HttpResponse<String> answer = signed("GET", "/builds");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>(JSON.readTree(answer.body()).path("builds").findValuesAsText("buildId"));
        ids.sort(null);
        return ids;
    }

    /** The digest the registry serves for the tag, read anonymously. */
    private static String tagDigest() throws Exception {
        HttpResponse<Void> head = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + registry + "/v2/" + REPOSITORY
                + "/manifests/1")).header("Accept", "application/vnd.oci.image.manifest.v1+json")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
        return head.headers().firstValue("Docker-Content-Digest").orElseThrow();
    }

    private static JsonNode asNobody(String method, String path, Map<String, String> headers, String body) throws Exception {
        return asNobody(port, method, path, headers, body);
    }

    private static JsonNode asNobody(int toPort, String method, String path, Map<String, String> headers, String body)
            throws Exception {
        return python(true, toPort, method, path, headers, body);
    }

    private static JsonNode python(boolean asNobody, int toPort, String method, String path, Map<String, String> headers,
            String body) throws Exception {
        List<String> command = List.of("/usr/bin/python3", "-c", REQUEST, Integer.toString(toPort), method, path,
                JSON.writeValueAsString(headers), body);
        OtherUser.Run run = asNobody ? OtherUser.run(command) : run(command);
        assertThat(run.exit()).as(run.output()).isZero();
        return JSON.readTree(run.lastLine());
    }

    private static OtherUser.Run run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new OtherUser.Run(process.waitFor(), printed);
    }

    private static JsonNode readAsNobody(List<Path> files) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "-c", READ_FILES));
        files.forEach(f -> command.add(f.toString()));
        OtherUser.Run run = OtherUser.run(command);
        assertThat(run.exit()).as(run.output()).isZero();
        return JSON.readTree(run.lastLine());
    }

    private static void assertRefused(JsonNode answer, int status, String code, String... message) throws IOException {
        assertThat(answer.path("status").asInt()).as(answer.toString()).isEqualTo(status);
        JsonNode body = JSON.readTree(answer.path("body").asText());
        assertThat(body.path("error").asText()).isEqualTo(code);
        assertThat(body.path("message").asText()).contains(message);
    }

    private static void assertRefused(HttpResponse<String> answer, int status, String code, String... message)
            throws IOException {
        assertRefused(JSON.createObjectNode().put("status", answer.statusCode()).put("body", answer.body()), status, code,
                message);
    }
}
