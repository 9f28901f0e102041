package dev.bakery.cli.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.bakery.core.api.ApiModel;
import dev.bakery.core.retry.Backoff;
import dev.bakery.functions.api.ApiResponse;
import dev.bakery.functions.api.ContextOffers;
import dev.bakery.functions.errors.Refusal;
import dev.bakery.functions.contexts.ContextService;
import dev.bakery.testing.LocalS3;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload against S3Proxy with the API's own {@link ContextService} answering {@code POST /contexts}
 * (multipart above 5 MiB here, so that parts are exercised without 64 MiB contexts).
 */
class UploadTest {

    private static final String BUCKET = "contexts";
    private static final long MIB = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalS3 s3;
    private static HttpServer api;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws IOException {
        s3 = LocalS3.start();
        s3.client().createBucket(r -> r.bucket(BUCKET));
        ContextService contexts = new ContextService(s3.client(), s3.presigner(), BUCKET, 1L << 30, Duration.ofMinutes(15),
                5 * MIB);
        api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        api.createContext("/contexts", exchange -> {
            ApiResponse answer;
            try {
                ApiModel.ContextClaim claim = JSON.readValue(exchange.getRequestBody().readAllBytes(), ApiModel.ContextClaim.class);
                answer = ApiResponse.of(200, ContextOffers.toWire(contexts.offer(claim.sha256(), claim.size(), claim.partSize(),
                        claim.parts())));
                Path racer = RACER.getAndSet(null);
                if (racer != null) {
                    // Another client stores the same archive between this answer and the caller's upload.
                    s3.client().putObject(r -> r.bucket(BUCKET).key(ContextService.key(claim.sha256())), racer);
                }
            } catch (Refusal e) {
                answer = ApiResponse.error(e);
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        api.start();
    }

    @AfterAll
    static void stop() {
        api.stop(0);
        s3.close();
    }

    /** When set, the next offer is followed by another client's upload of this file under the claimed key. */
    private static final AtomicReference<Path> RACER = new AtomicReference<>();

    private static BakeryApi client() {
        return new BakeryApi(new Endpoint(URI.create("http://127.0.0.1:" + api.getAddress().getPort()), null, RequestSigner.NONE),
                new Transport(Transport.defaultClient(), new Transport.Retry(3, new Backoff(Duration.ofMillis(10), Duration.ofMillis(50)))));
    }

    private Path file(long size, long seed) throws IOException {
        byte[] bytes = new byte[Math.toIntExact(size)];
        new Random(seed).nextBytes(bytes);
        return Files.write(dir.resolve("context-" + seed + ".tar.gz"), bytes);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void aLargeContextGoesUpInPartsInParallelAndOnlyOnce() throws Exception {
        Path archive = file(12 * MIB + 123, 1);
        String sha = sha256(archive);
        AtomicLong counted = new AtomicLong();
        UploadProgress progress = new UploadProgress() {
            @Override
            public void started(long total) {
            }

            @Override
            public void advanced(long bytes) {
                counted.addAndGet(bytes);
            }

            @Override
            public void finished() {
            }
        };

        ContextUploader.Uploaded uploaded = new ContextUploader(client(), 3, progress, 5 * MIB).upload(archive, sha, Files.size(archive));

        assertThat(uploaded).isEqualTo(new ContextUploader.Uploaded("contexts/" + sha + ".tar.gz", false));
        byte[] stored = s3.client().getObjectAsBytes(r -> r.bucket(BUCKET).key(uploaded.key())).asByteArray();
        assertThat(stored).isEqualTo(Files.readAllBytes(archive));
        assertThat(counted.get()).isEqualTo(Files.size(archive));

        ContextUploader.Uploaded again = new ContextUploader(client(), 3, progress, 5 * MIB).upload(archive, sha, Files.size(archive));
        assertThat(again.wasStored()).isTrue();
        assertThat(counted.get()).isEqualTo(Files.size(archive));
    }

    @Test
    void aSmallContextIsOnePresignedPut() throws Exception {
        Path archive = file(300_000, 2);
        String sha = sha256(archive);
        ContextUploader.Uploaded uploaded = new ContextUploader(client(), 3, UploadProgress.NONE).upload(archive, sha, Files.size(archive));
        assertThat(uploaded.wasStored()).isFalse();
        assertThat(s3.client().getObjectAsBytes(r -> r.bucket(BUCKET).key(uploaded.key())).asByteArray())
                .isEqualTo(Files.readAllBytes(archive));
    }

    /** The PUT is signed for the claimed SHA-256: S3 refuses other bytes, and the CLI says so. */
    @Test
    void bytesThatDoNotMatchTheClaimedDigestAreRefused() throws Exception {
        Path archive = file(1000, 3);
        String wrong = "0".repeat(64);
        assertThatThrownBy(() -> new ContextUploader(client(), 3, UploadProgress.NONE).upload(archive, wrong, Files.size(archive)))
                .isInstanceOf(dev.bakery.cli.api.ApiException.class)
                .hasMessageStartingWith("the context upload failed: HTTP 400");
        assertThat(s3.client().listObjectsV2(r -> r.bucket(BUCKET).prefix("contexts/" + wrong)).contents()).isEmpty();
    }

    /** The same archive lands first: the PUT gets 412, and the claim made again finds it verified. */
    @Test
    void anUploadRefusedBecauseTheSameArchiveLandedFirstCountsAsStoredOnceVerified() throws Exception {
        Path archive = file(200_000, 4);
        RACER.set(archive);
        ContextUploader.Uploaded uploaded = new ContextUploader(client(), 3, UploadProgress.NONE).upload(archive,
                sha256(archive), Files.size(archive));
        assertThat(uploaded.wasStored()).isTrue();
    }

    /** Other bytes land first under the key: the API removes them on the next claim, and the upload starts over. */
    @Test
    void anUploadRefusedBecauseOtherBytesLandedFirstIsUploadedAgain() throws Exception {
        Path archive = file(200_000, 5);
        RACER.set(file(1000, 6));
        ContextUploader.Uploaded uploaded = new ContextUploader(client(), 3, UploadProgress.NONE).upload(archive,
                sha256(archive), Files.size(archive));
        assertThat(uploaded.wasStored()).isFalse();
        assertThat(s3.client().getObjectAsBytes(r -> r.bucket(BUCKET).key(uploaded.key())).asByteArray())
                .isEqualTo(Files.readAllBytes(archive));
    }
}
