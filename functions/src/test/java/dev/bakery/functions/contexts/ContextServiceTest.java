package dev.bakery.functions.contexts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.functions.api.ContextOffers;
import dev.bakery.functions.errors.Refusal;
import dev.bakery.testing.LocalS3;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * {@code POST /contexts} against S3Proxy in-process: the presigned URLs are used with a real
 * java.net.http client, exactly as the CLI will.
 */
class ContextServiceTest {

    private static final String BUCKET = "bakery-contexts";
    private static final long MIB = ContextService.MIB;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static LocalS3 s3;
    private static HttpClient http;
    /** The defaults: multipart above 64 MiB, 64 MiB parts; at most 1 GiB. */
    private static ContextService service;
    /** Multipart above 5 MiB in 5 MiB parts (S3's smallest), so that three parts stay small. */
    private static ContextService smallParts;

    @BeforeAll
    static void start() {
        s3 = LocalS3.start();
        s3.client().createBucket(b -> b.bucket(BUCKET));
        http = HttpClient.newHttpClient();
        service = new ContextService(s3.client(), s3.presigner(), BUCKET, 1024 * MIB);
        smallParts = new ContextService(s3.client(), s3.presigner(), BUCKET, 100 * MIB, Duration.ofMinutes(15), 5 * MIB);
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * With {@code Expect: 100-continue}, as a client should: a refused upload is answered before its body is sent
     * (S3Proxy, like S3, answers and closes the connection without reading the body of a request it refuses).
     */
    private static HttpResponse<String> put(URI url, Map<String, String> headers, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).expectContinue(true)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A refused PUT: S3Proxy answers 403 SignatureDoesNotMatch, or, when the body was already on its way
     * (the 100-continue wait can lapse on a loaded machine), closes the connection without reading it.
     * Either way nothing is stored, which the callers check.
     */
    private static void assertRefused(URI url, Map<String, String> headers, byte[] body) throws InterruptedException {
        try {
            HttpResponse<String> response = put(url, headers, body);
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.body()).contains("<Code>SignatureDoesNotMatch</Code>");
        } catch (IOException closedBeforeAnswering) {
            // Closed before the status line, or while its 403 body was still being read: how far the
            // answer got before the close is timing.
            assertThat(closedBeforeAnswering.getMessage()).containsAnyOf("header parser received no bytes",
                    "chunked transfer encoding");
        }
    }

    /** The CLI's claim for these bytes, in parts of {@code partSize}. */
    private static ContextOffer offer(ContextService contexts, byte[] archive, long partSize) {
        List<String> parts = new ArrayList<>();
        for (int from = 0; from < archive.length; from += (int) partSize) {
            parts.add(sha256(Arrays.copyOfRange(archive, from, (int) Math.min(archive.length, from + partSize))));
        }
        return contexts.offer(sha256(archive), archive.length, partSize, parts);
    }

    /** A claim for bytes nobody has: the right number of made-up part digests (one part: the digest itself). */
    private static ContextOffer offer(ContextService contexts, String digest, long size, long partSize) {
        long count = Math.ceilDiv(size, partSize);
        return contexts.offer(digest, size, partSize, count == 1 ? List.of(digest) : java.util.Collections.nCopies((int) count, "f".repeat(64)));
    }

    private static final long SMALL = 5 * MIB;
    private static final long PART = 64 * MIB;

    private static long storedSize(String key) {
        return s3.client().headObject(b -> b.bucket(BUCKET).key(key)).contentLength();
    }

    // --- single PUT ---

    @Test
    void aSmallContextIsOnePutThatRequiresItsChecksumAndIsNotUploadedTwice() throws Exception {
        byte[] archive = random(300_000, 1);
        String digest = sha256(archive);

        ContextOffer offer = offer(service, archive, PART);

        assertThat(offer).isInstanceOf(ContextOffer.SinglePut.class);
        ContextOffer.SinglePut put = (ContextOffer.SinglePut) offer;
        assertThat(put.key()).isEqualTo("contexts/" + digest + ".tar.gz");
        assertThat(put.headers()).containsEntry("x-amz-checksum-sha256",
                Base64.getEncoder().encodeToString(HexFormat.of().parseHex(digest)));
        assertThat(put.headers()).containsEntry("if-none-match", "*").doesNotContainKeys("host", "content-length");
        assertThat(put.url().getQuery()).contains("X-Amz-SignedHeaders=").contains("x-amz-checksum-sha256");
        assertThat(put.expiresAt()).isBetween(Instant.now().plus(Duration.ofMinutes(14)), Instant.now().plus(Duration.ofMinutes(16)));

        HttpResponse<String> response = put(put.url(), put.headers(), archive);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

        assertThat(offer(service, archive, PART)).isEqualTo(new ContextOffer.Exists(put.key()));
        assertThat(put(put.url(), put.headers(), archive).statusCode()).as("the URL again: the object is there").isEqualTo(412);
        ResponseBytes<GetObjectResponse> stored = s3.client().getObjectAsBytes(b -> b.bucket(BUCKET).key(put.key()));
        assertThat(stored.asByteArray()).isEqualTo(archive);
    }

    @Test
    void aPutOfOtherBytesThanTheClaimedDigestIsRejected() throws Exception {
        byte[] claimed = random(200_000, 2);
        byte[] other = random(200_000, 3);
        ContextOffer.SinglePut put = (ContextOffer.SinglePut) offer(service, claimed, PART);

        HttpResponse<String> response = put(put.url(), put.headers(), other);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("<Code>BadDigest</Code>");
        assertThatThrownBy(() -> storedSize(put.key())).isInstanceOf(NoSuchKeyException.class);
        assertThat(offer(service, claimed, PART)).isInstanceOf(ContextOffer.SinglePut.class);
    }

    @Test
    void thePutIsRefusedWithoutTheChecksumHeaderOrWithAnotherLength() throws Exception {
        byte[] archive = random(100_000, 4);
        ContextOffer.SinglePut put = (ContextOffer.SinglePut) offer(service, archive, PART);

        assertRefused(put.url(), Map.of(), archive);
        // The right checksum header with a longer body: content-length is signed, so the size is pinned too.
        assertRefused(put.url(), put.headers(), Arrays.copyOf(archive, archive.length + 1));

        assertThatThrownBy(() -> storedSize(put.key())).isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void anObjectUnderTheKeyThatIsNotItsContentIsRemovedByTheOfferAndUploadedAgain() throws Exception {
        byte[] archive = random(50_000, 5);
        String digest = sha256(archive);
        s3.client().putObject(b -> b.bucket(BUCKET).key(ContextService.key(digest)), RequestBody.fromBytes(new byte[10]));

        ContextOffer offer = offer(service, archive, PART);

        assertThat(offer).isInstanceOf(ContextOffer.SinglePut.class);
        ContextOffer.SinglePut put = (ContextOffer.SinglePut) offer;
        assertThat(put(put.url(), put.headers(), archive).statusCode()).isEqualTo(200);
        assertThat(storedSize(put.key())).isEqualTo(archive.length);
        assertThat(offer(service, archive, PART)).isInstanceOf(ContextOffer.Exists.class);
    }

    // --- multipart ---

    @Test
    void aLargeContextIsUploadedInPartsAndCompletedThroughTheCompleteUrl() throws Exception {
        byte[] archive = random((int) (2 * 5 * MIB + 777), 6);
        String digest = sha256(archive);

        ContextOffer offer = offer(smallParts, archive, SMALL);

        assertThat(offer).isInstanceOf(ContextOffer.Multipart.class);
        ContextOffer.Multipart multipart = (ContextOffer.Multipart) offer;
        assertThat(multipart.key()).isEqualTo(ContextService.key(digest));
        assertThat(multipart.partSize()).isEqualTo(5 * MIB);
        assertThat(multipart.parts()).extracting(ContextOffer.PartUrl::number).containsExactly(1, 2, 3);
        assertThat(multipart.parts()).allSatisfy(part -> assertThat(part.url().getQuery())
                .contains("X-Amz-SignedHeaders=content-length;host;x-amz-checksum-sha256").contains("uploadId=" + multipart.uploadId()));
        assertThat(multipart.completeHeaders()).containsExactly(Map.entry("if-none-match", "*"));
        assertThat(multipart.expiresAt()).isBetween(Instant.now().plus(Duration.ofMinutes(14)), Instant.now().plus(Duration.ofMinutes(16)));

        List<String> etags = new ArrayList<>();
        for (ContextOffer.PartUrl part : multipart.parts()) {
            int from = (int) ((part.number() - 1) * multipart.partSize());
            int to = (int) Math.min(archive.length, from + multipart.partSize());
            HttpResponse<String> response = put(part.url(), part.headers(), Arrays.copyOfRange(archive, from, to));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            etags.add(response.headers().firstValue("ETag").orElseThrow());
        }
        StringBuilder xml = new StringBuilder("<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
        for (int i = 0; i < etags.size(); i++) {
            xml.append("<Part><PartNumber>").append(i + 1).append("</PartNumber><ETag>").append(etags.get(i))
                    .append("</ETag><ChecksumSHA256>").append(multipart.parts().get(i).headers().get("x-amz-checksum-sha256"))
                    .append("</ChecksumSHA256></Part>");
        }
        xml.append("</CompleteMultipartUpload>");
        HttpResponse<String> completed = http.send(HttpRequest.newBuilder(multipart.completeUrl())
                .header("Content-Type", "application/xml").header("If-None-Match", "*")
                .POST(HttpRequest.BodyPublishers.ofString(xml.toString(), StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(completed.statusCode()).as(completed.body()).isEqualTo(200);
        assertThat(completed.body()).contains("<CompleteMultipartUploadResult").doesNotContain("<Error>");

        assertThat(storedSize(multipart.key())).isEqualTo(archive.length);
        assertThat(offer(smallParts, archive, SMALL)).isEqualTo(new ContextOffer.Exists(multipart.key()));
        byte[] stored = s3.client().getObjectAsBytes(b -> b.bucket(BUCKET).key(multipart.key())).asByteArray();
        assertThat(sha256(stored)).isEqualTo(digest);
    }

    @Test
    void aPartOfAnotherLengthIsRefused() throws Exception {
        byte[] archive = random((int) (5 * MIB + 100), 7);
        ContextOffer.Multipart multipart = (ContextOffer.Multipart) offer(smallParts, archive, SMALL);
        assertThat(multipart.parts()).hasSize(2);

        HttpResponse<String> response = put(multipart.parts().get(1).url(), multipart.parts().get(1).headers(), new byte[99]);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("<Code>SignatureDoesNotMatch</Code>");
    }

    @Test
    void theThresholdItselfIsStillOnePut() {
        String digest = "c".repeat(64);
        assertThat(offer(smallParts, digest, 5 * MIB, SMALL)).isInstanceOf(ContextOffer.SinglePut.class);
        ContextOffer.Multipart multipart = (ContextOffer.Multipart) offer(smallParts, digest, 5 * MIB + 1, SMALL);
        assertThat(multipart.parts()).hasSize(2);
        s3.client().abortMultipartUpload(b -> b.bucket(BUCKET).key(multipart.key()).uploadId(multipart.uploadId()));
    }

    @Test
    void theDefaultsAre64MiBAndFifteenMinutes() {
        String digest = "d".repeat(64);
        ContextOffer.SinglePut put = (ContextOffer.SinglePut) offer(service, digest, 64 * MIB, PART);
        assertThat(put.url().getQuery()).contains("X-Amz-Expires=900");
        ContextOffer.Multipart multipart = (ContextOffer.Multipart) offer(service, digest, 64 * MIB + 1, PART);
        assertThat(multipart.partSize()).isEqualTo(64 * MIB);
        assertThat(multipart.parts()).hasSize(2);
        assertThat(multipart.completeUrl().getQuery()).contains("X-Amz-Expires=900").contains("uploadId=" + multipart.uploadId());
        s3.client().abortMultipartUpload(b -> b.bucket(BUCKET).key(multipart.key()).uploadId(multipart.uploadId()));
    }

    // --- validation ---

    @ParameterizedTest
    @ValueSource(strings = {
        "", "abc",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", // upper case
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", // 63
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", // 65
        "gaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", // not hex
        "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
        "../aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    })
    void aDigestThatIsNot64LowercaseHexIsRefused(String digest) {
        assertRefusal(() -> offer(service, digest, 100, PART), Refusal.Kind.INVALID, "invalid_digest", "sha256 must be 64 lowercase hex characters", "sha256");
    }

    @Test
    void aMissingDigestIsRefused() {
        assertRefusal(() -> service.offer(null, 100, PART, List.of()), Refusal.Kind.INVALID, "invalid_digest", "sha256 must be 64 lowercase hex characters", "sha256");
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void aSizeThatIsNotPositiveIsRefused(long size) {
        assertRefusal(() -> service.offer("a".repeat(64), size, PART, List.of("a".repeat(64))), Refusal.Kind.INVALID, "invalid_size",
                "size must be a positive integer (the archive's length in bytes)", "size");
    }

    @Test
    void aContextOverTheMaximumIsRefusedWithBothSizesInMiB() {
        assertRefusal(() -> offer(service, "a".repeat(64), 1024 * MIB + 1, PART), Refusal.Kind.TOO_LARGE, "context_too_large",
                "the build context is 1024.01 MiB; the largest accepted is 1024 MiB", "size");
        assertRefusal(() -> offer(service, "a".repeat(64), 3 * 1024 * MIB, PART), Refusal.Kind.TOO_LARGE, "context_too_large",
                "the build context is 3072 MiB; the largest accepted is 1024 MiB", "size");
        assertRefusal(() -> smallParts.offer("a".repeat(64), Long.MAX_VALUE, SMALL, List.of()), Refusal.Kind.TOO_LARGE, "context_too_large",
                "the build context is 8796093022208 MiB; the largest accepted is 100 MiB", "size");
        assertThat(offer(service, "a".repeat(64), 1024 * MIB, PART)).isInstanceOf(ContextOffer.Multipart.class);
    }

    @Test
    void theDigestIsCheckedBeforeTheSize() {
        assertRefusal(() -> service.offer("nope", -1, PART, List.of()), Refusal.Kind.INVALID, "invalid_digest", "sha256 must be 64 lowercase hex characters", "sha256");
    }

    @Test
    void impossibleSettingsAreRefusedAtConstruction() {
        assertThatThrownBy(() -> new ContextService(s3.client(), s3.presigner(), BUCKET, 0, Duration.ofMinutes(1), MIB))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBytes must be positive");
        assertThatThrownBy(() -> new ContextService(s3.client(), s3.presigner(), BUCKET, MIB, Duration.ofDays(8), MIB))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 7 days");
        assertThatThrownBy(() -> new ContextService(s3.client(), s3.presigner(), BUCKET, MIB, Duration.ofMinutes(1), 6L << 30))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multipartThreshold");
    }

    private static void assertRefusal(Runnable call, Refusal.Kind kind, String code, String message, String path) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(Refusal.class, e -> {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).isEqualTo(message);
            assertThat(e.path()).isEqualTo(path);
        });
    }

    // --- JSON ---

    @Test
    void theThreeAnswersAsJson() throws Exception {
        Instant at = Instant.parse("2026-11-22T10:15:00Z");
        assertThat(roundTrip(new ContextOffer.Exists("contexts/x.tar.gz")))
                .isEqualTo(json("{\"key\":\"contexts/x.tar.gz\",\"exists\":true}"));
        assertThat(roundTrip(new ContextOffer.SinglePut("contexts/x.tar.gz", URI.create("http://s3/put?sig=1"),
                Map.of("x-amz-checksum-sha256", "q83v"), at)))
                .isEqualTo(json("""
                        {"key":"contexts/x.tar.gz","exists":false,"upload":{"method":"PUT","url":"http://s3/put?sig=1",
                         "headers":{"x-amz-checksum-sha256":"q83v"},"expiresAt":"2026-11-22T10:15:00Z"}}"""));
        assertThat(roundTrip(new ContextOffer.Multipart("contexts/x.tar.gz", "u-1", 64 * MIB,
                List.of(new ContextOffer.PartUrl(1, URI.create("http://s3/p1"), Map.of("x-amz-checksum-sha256", "p1")),
                        new ContextOffer.PartUrl(2, URI.create("http://s3/p2"), Map.of("x-amz-checksum-sha256", "p2"))),
                URI.create("http://s3/complete"), Map.of("if-none-match", "*"), at)))
                .isEqualTo(json("""
                        {"key":"contexts/x.tar.gz","exists":false,"multipart":{"uploadId":"u-1","partSize":67108864,
                         "parts":[{"number":1,"url":"http://s3/p1","headers":{"x-amz-checksum-sha256":"p1"}},
                                  {"number":2,"url":"http://s3/p2","headers":{"x-amz-checksum-sha256":"p2"}}],
                         "completeUrl":"http://s3/complete","completeHeaders":{"if-none-match":"*"},
                         "expiresAt":"2026-11-22T10:15:00Z"}}"""));
    }

    @Test
    void aRealOfferSerializesWithItsSignedHeaders() {
        JsonNode json = MAPPER.valueToTree(ContextOffers.toWire(offer(service, "e".repeat(64), 1234, PART)));
        assertThat(json.get("exists").booleanValue()).isFalse();
        assertThat(json.at("/upload/headers").fieldNames()).toIterable().containsExactly("if-none-match", "x-amz-checksum-sha256");
        assertThat(json.at("/upload/url").textValue()).startsWith(s3.endpoint() + "/" + BUCKET + "/contexts/" + "e".repeat(64) + ".tar.gz?");
    }

    /** As the client reads it (numbers compare by value, not by node type). */
    private static JsonNode roundTrip(ContextOffer offer) throws IOException {
        return json(MAPPER.writeValueAsString(ContextOffers.toWire(offer)));
    }

    private static JsonNode json(String text) throws IOException {
        return MAPPER.readTree(text);
    }
}
