package dev.bakery.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Proves the fixtures against the real docker-registry, using nothing but java.net.http. */
class LoopbackRegistryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String SERVICE = "bakery-test-registry";

    // Closed newest first, so a registry goes down before the token server it trusts.
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    @AfterEach
    void closeFixtures() throws Exception {
        while (!opened.isEmpty()) {
            opened.pop().close();
        }
    }

    @AfterAll
    static void closeClient() {
        HTTP.close();
    }

    private <T extends AutoCloseable> T open(T fixture) {
        opened.push(fixture);
        return fixture;
    }

    @Test
    void unauthenticatedRegistryAnswersV2() throws Exception {
        LoopbackRegistry registry = open(LoopbackRegistry.start());

        HttpResponse<String> response = get(registry.baseUri().resolve("/v2/"), null);

        assertThat(registry.host()).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(registry.baseUri()).isEqualTo(URI.create("http://" + registry.host()));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Docker-Distribution-API-Version"))
                .hasValue("registry/2.0");
    }

    @Test
    void closeStopsTheRegistryAndDeletesItsStorage() throws Exception {
        LoopbackRegistry registry = LoopbackRegistry.start();
        URI v2 = registry.baseUri().resolve("/v2/");
        Path dir = tempDirOf(registry);
        assertThat(dir.resolve("config.yml")).isRegularFile();

        registry.close();

        assertThat(dir).doesNotExist();
        HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try (fresh) {
            HttpRequest ping = HttpRequest.newBuilder(v2).build();
            assertThatThrownBy(() -> fresh.send(ping, HttpResponse.BodyHandlers.discarding()))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void basicAuthRegistryChallengesAndAcceptsTheRightCredentials() throws Exception {
        LoopbackRegistry registry = open(LoopbackRegistry.startWithBasicAuth("baker", "s3cret:pass"));
        URI v2 = registry.baseUri().resolve("/v2/");

        HttpResponse<String> anonymous = get(v2, null);
        HttpResponse<String> wrong = get(v2, basic("baker", "nope"));
        HttpResponse<String> right = get(v2, basic("baker", "s3cret:pass"));

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).startsWith("Basic realm="));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(right.statusCode()).isEqualTo(200);
    }

    @Test
    void tokenRegistryAcceptsPushTokensAndRefusesPullOnlyTokensForUploads() throws Exception {
        TokenServer tokens = open(TokenServer.start(SERVICE, Map.of("baker", "s3cret"), false));
        LoopbackRegistry registry = open(LoopbackRegistry.startWithTokenAuth(tokens));
        URI uploads = registry.baseUri().resolve("/v2/demo/app/blobs/uploads/");

        HttpResponse<String> base = get(registry.baseUri().resolve("/v2/"), null);
        assertThat(base.statusCode()).isEqualTo(401);
        Map<String, String> challenge = bearerChallenge(base);
        assertThat(challenge)
                .containsEntry("realm", tokens.realm().toString())
                .containsEntry("service", SERVICE);

        // The registry names the scope it wants in the challenge of a repository request.
        HttpResponse<String> anonymousUpload = post(uploads, null);
        assertThat(anonymousUpload.statusCode()).isEqualTo(401);
        // Registry 2.8 lists the actions in random order (a Go map), so compare them as a set.
        String wanted = bearerChallenge(anonymousUpload).get("scope");
        assertThat(wanted).startsWith("repository:demo/app:");
        assertThat(wanted.substring("repository:demo/app:".length()).split(","))
                .containsExactlyInAnyOrder("pull", "push");

        String pushToken = fetchToken(challenge, "repository:demo/app:pull,push", basic("baker", "s3cret"));
        HttpResponse<String> upload = post(uploads, "Bearer " + pushToken);
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(202);
        assertThat(upload.headers().firstValue("Location")).isPresent();

        String pullToken = fetchToken(challenge, "repository:demo/app:pull", basic("baker", "s3cret"));
        HttpResponse<String> refused = post(uploads, "Bearer " + pullToken);
        assertThat(refused.statusCode()).isIn(401, 403);
        // Pull alone is enough to read: an unknown repository is 404, not an auth failure.
        HttpResponse<String> tags =
                get(registry.baseUri().resolve("/v2/demo/app/tags/list"), "Bearer " + pullToken);
        assertThat(tags.statusCode()).as(tags.body()).isEqualTo(404);

        assertThat(tokens.requestedScopes())
                .containsExactly("repository:demo/app:pull,push", "repository:demo/app:pull");
        assertThat(tokens.tokensIssued()).isEqualTo(2);
    }

    @Test
    void tokensAreRs256JwtsCarryingTheCertificateAndTheGrantedAccess() throws Exception {
        TokenServer tokens = open(TokenServer.start(SERVICE, Map.of("baker", "s3cret"), false));

        HttpResponse<String> response =
                get(tokenUri(tokens, "repository:demo/app:pull,push", "repository:demo/base:pull"),
                        basic("baker", "s3cret"));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("access_token").asText()).isEqualTo(body.path("token").asText());
        assertThat(body.path("expires_in").asInt()).isEqualTo(300);
        assertThat(body.path("issued_at").asText()).isNotEmpty();

        String[] parts = body.path("token").asText().split("\\.");
        assertThat(parts).hasSize(3);
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(header.path("alg").asText()).isEqualTo("RS256");
        assertThat(header.path("x5c")).hasSize(1);
        String pem = Files.readString(tokens.rootCertBundle());
        assertThat(pem.replaceAll("-----[A-Z ]+-----|\\s", ""))
                .isEqualTo(header.path("x5c").get(0).asText());
        assertThat(claims.path("iss").asText()).isEqualTo(tokens.issuer());
        assertThat(claims.path("sub").asText()).isEqualTo("baker");
        assertThat(claims.path("aud").asText()).isEqualTo(SERVICE);
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(300);
        assertThat(claims.path("access").toString())
                .isEqualTo(
                        "[{\"type\":\"repository\",\"name\":\"demo/app\",\"actions\":[\"pull\",\"push\"]},"
                                + "{\"type\":\"repository\",\"name\":\"demo/base\",\"actions\":[\"pull\"]}]");
    }

    @Test
    void tokenServerRefusesWrongPasswordsAndAnonymousCallersWhenAnonymousPullIsOff() throws Exception {
        TokenServer tokens = open(TokenServer.start(SERVICE, Map.of("baker", "s3cret"), false));
        URI uri = tokenUri(tokens, "repository:demo/app:pull");

        HttpResponse<String> anonymous = get(uri, null);
        HttpResponse<String> wrong = get(uri, basic("baker", "guess"));
        HttpResponse<String> stranger = get(uri, basic("mallory", "s3cret"));

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).startsWith("Basic realm="));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(stranger.statusCode()).isEqualTo(401);
        assertThat(tokens.tokensIssued()).isZero();
        assertThat(tokens.requestedScopes()).hasSize(3);
    }

    @Test
    void anonymousTokensPullButDoNotPush() throws Exception {
        TokenServer tokens = open(TokenServer.start(SERVICE, Map.of(), true));
        LoopbackRegistry registry = open(LoopbackRegistry.startWithTokenAuth(tokens));
        Map<String, String> challenge = bearerChallenge(get(registry.baseUri().resolve("/v2/"), null));

        // Asking for more than allowed is not an error: the token simply carries less.
        String token = fetchToken(challenge, "repository:demo/app:pull,push", null);
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        assertThat(claims.path("sub").asText()).isEmpty();
        assertThat(claims.path("access").get(0).path("actions").toString()).isEqualTo("[\"pull\"]");

        assertThat(get(registry.baseUri().resolve("/v2/"), "Bearer " + token).statusCode())
                .isEqualTo(200);
        assertThat(get(registry.baseUri().resolve("/v2/demo/app/tags/list"), "Bearer " + token)
                        .statusCode())
                .isEqualTo(404);
        assertThat(post(registry.baseUri().resolve("/v2/demo/app/blobs/uploads/"), "Bearer " + token)
                        .statusCode())
                .isIn(401, 403);
    }

    private static String fetchToken(Map<String, String> challenge, String scope, String authorization)
            throws Exception {
        URI uri =
                URI.create(
                        challenge.get("realm")
                                + "?service=" + URLEncoder.encode(challenge.get("service"), StandardCharsets.UTF_8)
                                + "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8));
        HttpResponse<String> response = get(uri, authorization);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("token").asText();
    }

    private static URI tokenUri(TokenServer tokens, String... scopes) {
        StringBuilder uri = new StringBuilder(tokens.realm().toString()).append("?service=");
        uri.append(URLEncoder.encode(tokens.service(), StandardCharsets.UTF_8));
        for (String scope : scopes) {
            uri.append("&scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        }
        return URI.create(uri.toString());
    }

    /** Parses {@code Bearer k="v",k="v"}; values in these tests hold no quotes or commas we split on. */
    private static Map<String, String> bearerChallenge(HttpResponse<?> response) {
        String header = response.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertThat(header).startsWith("Bearer ");
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(\\w+)=\"([^\"]*)\"").matcher(header);
        while (m.find()) {
            params.put(m.group(1), m.group(2));
        }
        return params;
    }

    private static Path tempDirOf(LoopbackRegistry registry) throws IOException {
        // The fixture does not expose its dir; find it by the config that names this registry's port.
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (var dirs = Files.list(tmp)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("loopback-registry-"))
                    .filter(d -> {
                        try {
                            return Files.readString(d.resolve("config.yml")).contains(registry.host());
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .findFirst()
                    .orElseThrow();
        }
    }

    private static String basic(String user, String password) {
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> get(URI uri, String authorization) throws Exception {
        return send(HttpRequest.newBuilder(uri).GET(), authorization);
    }

    private static HttpResponse<String> post(URI uri, String authorization) throws Exception {
        return send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()), authorization);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request, String authorization)
            throws Exception {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
