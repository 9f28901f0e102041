package dev.bakery.local.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.bakery.registry.SecretsManagerSecrets;
import dev.bakery.local.LocalAws;
import dev.bakery.local.LocalKeys;
import dev.bakery.local.secrets.LocalSecretVault;
import java.net.URI;
import dev.bakery.testing.SigV4;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * The gateway's Secrets Manager endpoint as an agent reaches it: the agent's own
 * {@link SecretsManagerSecrets} over the wire, signed with the run's keys, and what anyone else on
 * the machine gets.
 */
class SecretsManagerEndpointTest {

    private static final String TARGET = "secretsmanager.GetSecretValue";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";

    @TempDir
    Path dataDir;

    private final LocalKeys keys = LocalKeys.random();
    private final HttpClient http = HttpClient.newHttpClient();
    private LocalSecretVault vault;
    private Gateway gateway;

    @BeforeEach
    void start() {
        vault = new LocalSecretVault(dataDir.resolve("secrets"));
        gateway = Gateway.start(0, (event, context) -> new APIGatewayProxyResponseEvent().withStatusCode(404)
                        .withBody("{\"error\":\"not_found\",\"path\":\"" + event.getPath() + "\"}"),
                (event, context) -> new APIGatewayV2WebSocketResponse(), new LocalConnections(), vault, keys);
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    /** What the agent builds from AWS_ENDPOINT_URL_SECRETS_MANAGER (the SDK reads it) and its keys, without retries. */
    private SecretsManagerSecrets agentSecrets(AwsCredentialsProvider credentials) {
        return new SecretsManagerSecrets(SecretsManagerClient.builder().endpointOverride(gateway.restUri())
                .region(LocalAws.REGION).credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build());
    }

    @Test
    void aSignedAgentReadsTheBuildsSecretByNameAndByArn() {
        String arn = vault.create("bakery/builds/b-1", "{\"k0\":\"inline-password-1\"}");

        SecretsManagerSecrets secrets = agentSecrets(keys.provider());

        assertThat(secrets.secretString("bakery/builds/b-1")).isEqualTo("{\"k0\":\"inline-password-1\"}");
        assertThat(secrets.secretString(arn)).isEqualTo("{\"k0\":\"inline-password-1\"}");
    }

    @Test
    void aSecretTheUserCreatedAsAFileUnderTheDataDirIsReadByItsName() throws Exception {
        Files.writeString(dataDir.resolve("secrets/ci%2Fnpm-token"), "npm-token-value", StandardCharsets.UTF_8);
        Files.writeString(dataDir.resolve("secrets/plain-name"), "line one\nline two\n", StandardCharsets.UTF_8);

        SecretsManagerSecrets secrets = agentSecrets(keys.provider());

        assertThat(secrets.secretString("ci/npm-token")).isEqualTo("npm-token-value");
        assertThat(secrets.secretString("plain-name")).isEqualTo("line one\nline two\n");
        assertThatThrownBy(() -> secrets.secretString("ci/no-such-secret")).isInstanceOf(ResourceNotFoundException.class)
                .hasMessageStartingWith("secret ci/no-such-secret not found in Secrets Manager (ResourceNotFoundException: "
                        + "Secrets Manager can't find the specified secret.)");
    }

    @Test
    void otherKeysAreRefusedWithoutTheValue() {
        vault.create("bakery/builds/b-1", "{\"k0\":\"inline-password-1\"}");
        LocalKeys stranger = LocalKeys.random();

        assertThatThrownBy(() -> agentSecrets(stranger.provider()).secretString("bakery/builds/b-1"))
                .isInstanceOf(AwsServiceException.class).hasMessageContaining("UnrecognizedClientException")
                .hasMessageNotContaining("inline-password-1");
        LocalKeys wrongSecret = new LocalKeys(keys.accessKeyId(), stranger.secretAccessKey());
        assertThatThrownBy(() -> agentSecrets(wrongSecret.provider()).secretString("bakery/builds/b-1"))
                .isInstanceOf(AwsServiceException.class)
                .hasMessageContaining("InvalidSignatureException: The request signature we calculated does not match")
                .hasMessageNotContaining("inline-password-1");
    }

    @Test
    void unsignedTamperedAndStaleRequestsAreRefused() throws Exception {
        vault.create("bakery/builds/b-1", "{\"k0\":\"inline-password-1\"}");
        vault.create("bakery/builds/b-2", "{\"k0\":\"inline-password-2\"}");
        byte[] asked = "{\"SecretId\":\"bakery/builds/b-1\"}".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> unsigned = send(Map.of("X-Amz-Target", TARGET, "Content-Type", CONTENT_TYPE), asked);
        assertThat(unsigned.statusCode()).isEqualTo(403);
        assertThat(unsigned.body()).contains("MissingAuthenticationTokenException").doesNotContain("inline-password");

        // A correct signature for b-1, sent with a body asking for b-2.
        Map<String, String> signedForB1 = sign(asked, Clock.systemUTC());
        HttpResponse<String> tampered = send(signedForB1,
                "{\"SecretId\":\"bakery/builds/b-2\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(tampered.statusCode()).isEqualTo(400);
        assertThat(tampered.body()).contains("InvalidSignatureException").doesNotContain("inline-password");
        HttpResponse<String> genuine = send(signedForB1, asked);
        assertThat(genuine.statusCode()).isEqualTo(200);
        assertThat(genuine.body()).contains("\"SecretString\":\"{\\\"k0\\\":\\\"inline-password-1\\\"}\"");

        HttpResponse<String> stale = send(sign(asked, Clock.fixed(Instant.now().minus(Duration.ofMinutes(20)),
                ZoneOffset.UTC)), asked);
        assertThat(stale.statusCode()).isEqualTo(400);
        assertThat(stale.body()).contains("Signature expired").doesNotContain("inline-password");
    }

    @Test
    void requestsWithoutTheSecretsManagerTargetStillReachTheRestRoutes() throws Exception {
        URI uri = gateway.restUri().resolve("/builds/x");
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
        SigV4.sign("GET", uri, new byte[0], keys.credentials(), LocalAws.REGION.id(), "execute-api").forEach(request::header);
        HttpResponse<String> rest = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(rest.statusCode()).isEqualTo(404);
        assertThat(rest.body()).contains("\"path\":\"/builds/x\"");
    }

    /** The headers the SDK's signer adds to a GetSecretValue request made at {@code clock}'s time. */
    private Map<String, String> sign(byte[] body, Clock clock) {
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(gateway.restUri().resolve("/"))
                .putHeader("Content-Type", CONTENT_TYPE).putHeader("X-Amz-Target", TARGET).build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(keys.credentials()).request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "secretsmanager")
                .putProperty(AwsV4HttpSigner.REGION_NAME, LocalAws.REGION.id())
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        signed.request().forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("Host")) {
                headers.put(name, values.getFirst());
            }
        });
        return headers;
    }

    private HttpResponse<String> send(Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.restUri().resolve("/"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
