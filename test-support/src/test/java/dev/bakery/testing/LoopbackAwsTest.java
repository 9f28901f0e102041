package dev.bakery.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The fake refuses what AWS refuses, so a client that passes against it is signing for real. */
class LoopbackAwsTest {

    private final LoopbackAws aws = LoopbackAws.start();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        aws.close();
    }

    private HttpResponse<String> post(String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(aws.endpoint() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"SecretId\":\"x\"}"));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void refusesUnsignedRequests() throws Exception {
        HttpResponse<String> response = post("Content-Type", "application/x-amz-json-1.1",
                "X-Amz-Target", "secretsmanager.GetSecretValue");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"__type\":\"MissingAuthenticationTokenException\"");
    }

    @Test
    void refusesAScopeWithoutAValidDateHeader() throws Exception {
        HttpResponse<String> response = post("Content-Type", "application/x-amz-json-1.1",
                "X-Amz-Target", "secretsmanager.GetSecretValue",
                "Authorization", "AWS4-HMAC-SHA256 Credential=" + LoopbackAws.ACCESS_KEY
                        + "/20250101/eu-west-1/secretsmanager/aws4_request, SignedHeaders=host;x-amz-target, Signature="
                        + "0".repeat(64));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("IncompleteSignatureException", "X-Amz-Date");
    }

    @Test
    void refusesAnUnknownService() throws Exception {
        HttpResponse<String> response = post("Content-Type", "application/x-amz-json-1.1",
                "X-Amz-Target", "secretsmanager.GetSecretValue",
                "Authorization", "AWS4-HMAC-SHA256 Credential=" + LoopbackAws.ACCESS_KEY
                        + "/20250101/eu-west-1/s3/aws4_request, SignedHeaders=host, Signature=" + "0".repeat(64));

        assertThat(response.body()).contains("InvalidSignatureException", "scoped to correct service");
    }

    /** A request signed with the SDK's signer for {@code service}, whatever its target and content type. */
    private HttpResponse<String> signed(String service, String target, String contentType) throws Exception {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(URI.create(aws.endpoint() + "/"))
                .putHeader("Content-Type", contentType).putHeader("X-Amz-Target", target).build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(LoopbackAws.credentials().resolveCredentials())
                .request(unsigned).payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service).putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-1"));
        HttpRequest.Builder request = HttpRequest.newBuilder(signed.request().getUri())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signed.request().forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("Host")) {
                values.forEach(v -> request.header(name, v));
            }
        });
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void refusesABadSignature() {
        SecretsManagerClient wrongKey = LoopbackAws.clients("eu-west-1").configure(SecretsManagerClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(LoopbackAws.ACCESS_KEY, "not-the-key")))
                .endpointOverride(aws.endpoint()).build();
        aws.secret("x", "value");

        assertThatThrownBy(() -> wrongKey.getSecretValue(r -> r.secretId("x")))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                });
        assertThat(aws.calls()).isEmpty();
        assertThat(aws.secretsManager("eu-west-1").getSecretValue(r -> r.secretId("x")).secretString()).isEqualTo("value");
    }

    @Test
    void refusesATargetOfAnotherServiceThanTheSignatureNames() throws Exception {
        HttpResponse<String> response = signed("ecr", "secretsmanager.GetSecretValue", "application/x-amz-json-1.1");

        assertThat(response.body()).contains("UnknownOperationException");
    }

    @Test
    void refusesJson11ForStepFunctions() throws Exception {
        // Step Functions is an AWS JSON 1.0 service: a correctly signed 1.1 request is still refused.
        HttpResponse<String> response = signed("states", "AWSStepFunctions.DescribeExecution", "application/x-amz-json-1.1");

        assertThat(response.body()).contains("SerializationException", "unexpected content type application/x-amz-json-1.1");
        assertThat(aws.calls()).isEmpty();
    }

    @Test
    void refusesJson10ForCloudWatchLogs() throws Exception {
        HttpResponse<String> response = signed("logs", "Logs_20140328.FilterLogEvents", "application/x-amz-json-1.0");

        assertThat(response.body()).contains("SerializationException");
    }

    @Test
    void refusesATargetOfAnotherServiceForTheNewServices() throws Exception {
        HttpResponse<String> response = signed("logs", "AWSStepFunctions.StartExecution", "application/x-amz-json-1.1");

        assertThat(response.body()).contains("UnknownOperationException");
    }
}
