package dev.bakery.emulators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** S3Proxy on loopback: only its key pair's signatures count, and on disk its objects outlive it. */
class S3EmulatorTest {

    private static final AwsBasicCredentials KEYS = AwsBasicCredentials.create("emulatorKey", "emulatorSecret");

    @TempDir
    Path dir;

    @Test
    void onDiskKeepsObjectsAcrossRestarts() {
        try (S3Emulator s3 = S3Emulator.onDisk(dir.resolve("s3"), KEYS)) {
            assertThat(s3.endpoint().getHost()).isEqualTo("127.0.0.1");
            s3.client().createBucket(r -> r.bucket("kept"));
            s3.client().putObject(r -> r.bucket("kept").key("a/b.txt"), RequestBody.fromString("hello"));
        }
        try (S3Emulator s3 = S3Emulator.onDisk(dir.resolve("s3"), KEYS)) {
            assertThat(s3.client().getObjectAsBytes(r -> r.bucket("kept").key("a/b.txt")).asUtf8String())
                    .isEqualTo("hello");
        }
    }

    @Test
    void presignedUrlsWorkAndOtherKeysAreRefused() throws Exception {
        try (S3Emulator s3 = S3Emulator.inMemory(KEYS);
                HttpClient http = HttpClient.newHttpClient();
                S3Client stranger = S3Client.builder().endpointOverride(s3.endpoint()).forcePathStyle(true)
                        .region(S3Emulator.REGION).httpClient(UrlConnectionHttpClient.create())
                        .credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("emulatorKey", "wrongSecret"))).build()) {
            s3.client().createBucket(r -> r.bucket("bucket"));
            s3.client().putObject(r -> r.bucket("bucket").key("k"), RequestBody.fromString("presigned"));
            var url = s3.presigner().presignGetObject(r -> r.signatureDuration(Duration.ofMinutes(1))
                    .getObjectRequest(g -> g.bucket("bucket").key("k"))).url();

            HttpResponse<String> response = http.send(HttpRequest.newBuilder(url.toURI()).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("presigned");
            assertThatThrownBy(() -> stranger.getObjectAsBytes(r -> r.bucket("bucket").key("k")))
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        }
    }
}
