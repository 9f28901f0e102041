package dev.bakery.security.contexts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.agent.Agent;
import dev.bakery.agent.builder.BuildOutcome;
import dev.bakery.agent.builder.Builder;
import dev.bakery.agent.context.ContextFetcher;
import dev.bakery.agent.context.SafeExtractor;
import dev.bakery.agent.log.AgentLog;
import dev.bakery.agent.process.ProcessRunner;
import dev.bakery.agent.result.StoreResultSink;
import dev.bakery.agent.spec.TaskSpecs;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.PlanJson;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import dev.bakery.core.api.ApiModel;
import dev.bakery.functions.api.ApiResponse;
import dev.bakery.functions.testing.ApiHarness;
import dev.bakery.registry.RegistryCredentials;
import dev.bakery.registry.SecretsManagerSecrets;
import dev.bakery.testing.ContextArchives;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Context poisoning, performed for real: an attacker with the API (another IAM principal) or with
 * the bucket tries to make a victim's build run other files than the victim uploaded. The real
 * handlers answer {@code POST /contexts} over S3Proxy (which, like S3, checks the signed
 * {@code x-amz-checksum-sha256} and honours {@code If-None-Match: *} on PutObject and
 * CompleteMultipartUpload); the real agent code fetches, verifies and extracts.
 */
class ContextPoisoningTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MIB = 1L << 20;
    /** Above the API's 64 MiB threshold: the claim that used to get content-free multipart URLs. */
    private static final long LARGE = 64 * MIB + 1;
    private static final long PART = 64 * MIB;
    private static final String ATTACKER_DIGEST = "a".repeat(64);

    private static ApiHarness h;
    private static HttpClient http;
    private static byte[] large;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() {
        h = new ApiHarness(1 << 20, 1L << 30);
        http = HttpClient.newHttpClient();
        large = new byte[(int) LARGE];
        new Random(7).nextBytes(large);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    // --- the API's upload URLs ---

    @Test
    void aLargeClaimForAVictimsDigestGetsPartUrlsThatRefuseTheAttackersBytes() throws Exception {
        byte[] victim = archive("victim-1");
        // The attacker claims the victim's digest with a large size and the part digests of its own bytes.
        ApiModel.ContextOffer offer = offer(sha256(victim), LARGE, PART, List.of(ATTACKER_DIGEST, ATTACKER_DIGEST));
        ApiModel.Part last = offer.multipart().parts().getLast();

        HttpResponse<String> response = put(last.url(), last.headers(), new byte[1]);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("<Code>BadDigest</Code>");
        assertThat(stored(offer.key())).isNull();
    }

    @Test
    void aLargeClaimForAStoredVictimDigestGetsNoUrlAndChangesNothing() throws Exception {
        byte[] victim = archive("victim-2");
        String key = upload(victim);

        ApiModel.ContextOffer offer = offer(sha256(victim), LARGE, PART, List.of(ATTACKER_DIGEST, ATTACKER_DIGEST));

        assertThat(offer.exists()).isTrue();
        assertThat(offer.upload()).isNull();
        assertThat(offer.multipart()).isNull();
        assertThat(stored(key)).isEqualTo(victim);
    }

    @Test
    void completingAMultipartUploadOverAStoredContextIsRefusedWith412() throws Exception {
        byte[] victim = archive("victim-3");
        String digest = sha256(victim);
        // Before the victim uploads, the attacker starts a multipart upload of its own bytes for the digest...
        ApiModel.ContextOffer offer = offer(digest, LARGE, PART, partDigests(large));
        List<String> etags = putParts(offer.multipart(), large);
        // ...the victim's upload lands...
        String key = upload(victim);

        // ...and the attacker completes its upload over it.
        HttpResponse<String> response = complete(offer.multipart(), etags);

        assertThat(response.statusCode()).isEqualTo(412);
        assertThat(response.body()).contains("<Code>PreconditionFailed</Code>");
        assertThat(stored(key)).isEqualTo(victim);
    }

    @Test
    void theSinglePutUrlRefusesBytesOtherThanTheClaimedDigest() throws Exception {
        byte[] victim = archive("victim-4");
        ApiModel.ContextOffer offer = offer(sha256(victim), victim.length, PART, List.of(sha256(victim)));
        byte[] poison = Arrays.copyOf(archive("poison-4"), victim.length);

        HttpResponse<String> response = put(offer.upload().url(), offer.upload().headers(), poison);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("<Code>BadDigest</Code>");
        assertThat(stored(offer.key())).isNull();
    }

    @Test
    void anEarlierPutUrlCannotOverwriteAStoredContext() throws Exception {
        byte[] victim = archive("victim-5");
        ApiModel.ContextOffer early = offer(sha256(victim), victim.length, PART, List.of(sha256(victim)));
        String key = upload(victim);

        HttpResponse<String> response = put(early.upload().url(), early.upload().headers(), victim);

        assertThat(response.statusCode()).isEqualTo(412);
        assertThat(response.body()).contains("<Code>PreconditionFailed</Code>");
        assertThat(stored(key)).isEqualTo(victim);
    }

    @Test
    void aPartUrlReusedForAnotherPartNumberIsRefused() throws Exception {
        ApiModel.ContextOffer offer = offer("b".repeat(64), LARGE, PART, partDigests(large));
        ApiModel.Part last = offer.multipart().parts().getLast();

        HttpResponse<String> response = put(last.url().replace("partNumber=2", "partNumber=3"), last.headers(), new byte[] {large[large.length - 1]});

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("<Code>SignatureDoesNotMatch</Code>");
        assertThat(h.s3.client().listParts(r -> r.bucket(ApiHarness.BUCKET).key(offer.key()).uploadId(offer.multipart().uploadId()))
                .parts()).isEmpty();
    }

    @Test
    void aPartUrlReusedForAnotherUploadIsRefused() throws Exception {
        ApiModel.ContextOffer victims = offer("c".repeat(64), LARGE, PART, partDigests(large));
        ApiModel.ContextOffer attackers = offer("c".repeat(64), LARGE, PART, List.of(ATTACKER_DIGEST, ATTACKER_DIGEST));
        ApiModel.Part last = attackers.multipart().parts().getLast();

        HttpResponse<String> response = put(last.url().replace(attackers.multipart().uploadId(), victims.multipart().uploadId()),
                last.headers(), new byte[1]);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("<Code>SignatureDoesNotMatch</Code>");
        assertThat(h.s3.client().listParts(r -> r.bucket(ApiHarness.BUCKET).key(victims.key())
                .uploadId(victims.multipart().uploadId())).parts()).isEmpty();
    }

    @Test
    void aPartUrlSentWithoutItsChecksumHeaderIsRefused() throws Exception {
        ApiModel.ContextOffer offer = offer("d".repeat(64), LARGE, PART, partDigests(large));

        HttpResponse<String> response = put(offer.multipart().parts().getLast().url(), Map.of(), new byte[1]);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("<Code>SignatureDoesNotMatch</Code>");
    }

    @Test
    void aClaimWithATruncatedPartListIsRefused() {
        ApiResponse answer = claim("e".repeat(64), LARGE, PART, List.of(ATTACKER_DIGEST));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("\"error\":\"invalid_parts\"").contains("each of the 2 parts");
        assertThat(openUploads("e".repeat(64))).isZero();
    }

    @Test
    void aClaimWithAnOversizedPartListIsRefused() {
        ApiResponse answer = claim("f".repeat(64), LARGE, PART, List.of(ATTACKER_DIGEST, ATTACKER_DIGEST, ATTACKER_DIGEST));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("\"error\":\"invalid_parts\"");
        assertThat(openUploads("f".repeat(64))).isZero();
    }

    @Test
    void aOnePartClaimWhosePartIsNotTheArchiveIsRefused() {
        ApiResponse answer = claim("1".repeat(64), 1000, PART, List.of(ATTACKER_DIGEST));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("\"error\":\"invalid_parts\"");
    }

    @Test
    void aMultipartUploadOfOtherBytesCompletedBeforeTheVictimIsRemovedByTheVictimsClaim() throws Exception {
        // The attacker guesses a digest before its owner uploads (a public repository's reproducible
        // context) and completes a multipart upload of its own bytes under it: S3 accepts it, the
        // parts match the attacker's own claim.
        byte[] victim = archive("victim-12");
        String digest = sha256(victim);
        ApiModel.ContextOffer planted = offer(digest, LARGE, PART, partDigests(large));
        assertThat(complete(planted.multipart(), putParts(planted.multipart(), large)).statusCode()).isEqualTo(200);

        // The victim's claim is not told "stored": the object is read, found not to be the key's, removed.
        ApiModel.ContextOffer offer = offer(digest, victim.length, PART, List.of(digest));
        assertThat(offer.exists()).isFalse();
        assertThat(stored(offer.key())).isNull();
        assertThat(put(offer.upload().url(), offer.upload().headers(), victim).statusCode()).isEqualTo(200);
        assertThat(stored(offer.key())).isEqualTo(victim);
    }

    // --- the agent ---

    @Test
    void aPoisonedObjectPlantedInTheBucketFailsTheTaskNamingBothDigestsRunsNothingAndIsRemoved() throws Exception {
        byte[] victim = archive("victim-13");
        String key = upload(victim);
        // Someone with write access to the bucket replaces the object (no API involved).
        byte[] poison = ContextArchives.tarGz(Map.of("Dockerfile", "FROM scratch\nCOPY stolen /\n", "stolen", "x"));
        h.s3.client().deleteObject(r -> r.bucket(ApiHarness.BUCKET).key(key));
        h.s3.client().putObject(r -> r.bucket(ApiHarness.BUCKET).key(key), RequestBody.fromBytes(poison));
        String buildId = submit(key);

        Run run = runAgent(buildId);

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.built.get()).as("the builder ran").isFalse();
        assertThat(run.marker).as("the pre-script ran").doesNotExist();
        assertThat(run.workspace.resolve("stolen")).doesNotExist();
        String expected = "the context " + key + " is not the archive it names: expected sha256 " + sha256(victim)
                + ", got sha256 " + sha256(poison) + "; nothing was extracted or run, it was removed";
        JsonNode task = build(buildId).path("tasks").get(0);
        assertThat(task.path("status").asText()).isEqualTo("FAILED");
        assertThat(task.path("error").asText()).startsWith(expected);
        assertThat(stored(key)).isNull();

        // The victim's next honest upload and build succeed.
        assertThat(offer(sha256(victim), victim.length, PART, List.of(sha256(victim))).exists()).isFalse();
        assertThat(upload(victim)).isEqualTo(key);
        String again = submit(key);
        Run honest = runAgent(again);
        assertThat(honest.exitCode).as(honest.output).isZero();
        assertThat(honest.built.get()).isTrue();
        assertThat(honest.marker).exists();
        assertThat(build(again).path("tasks").get(0).path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(stored(key)).isEqualTo(victim);
    }

    // --- helpers ---

    private static byte[] archive(String marker) {
        return ContextArchives.tarGz(Map.of("Dockerfile", "FROM scratch\n", "marker", marker));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static List<String> partDigests(byte[] archive) throws Exception {
        List<String> digests = new ArrayList<>();
        for (int from = 0; from < archive.length; from += (int) PART) {
            digests.add(sha256(Arrays.copyOfRange(archive, from, (int) Math.min(archive.length, from + PART))));
        }
        return digests;
    }

    private static ApiResponse claim(String sha256, long size, long partSize, List<String> parts) {
        return h.call("POST /contexts", Map.of(), Map.of(), JSON.valueToTree(new ApiModel.ContextClaim(sha256, size, partSize, parts))
                .toString());
    }

    private static ApiModel.ContextOffer offer(String sha256, long size, long partSize, List<String> parts) throws IOException {
        ApiResponse answer = claim(sha256, size, partSize, parts);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return JSON.readValue(answer.body(), ApiModel.ContextOffer.class);
    }

    /** The victim's honest upload: claim, then the single PUT the API signed. */
    private static String upload(byte[] archive) throws Exception {
        ApiModel.ContextOffer offer = offer(sha256(archive), archive.length, PART, List.of(sha256(archive)));
        HttpResponse<String> response = put(offer.upload().url(), offer.upload().headers(), archive);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return offer.key();
    }

    private static HttpResponse<String> put(String url, Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> putParts(ApiModel.Multipart multipart, byte[] archive) throws Exception {
        List<String> etags = new ArrayList<>();
        for (ApiModel.Part part : multipart.parts()) {
            int from = (int) ((part.number() - 1) * multipart.partSize());
            HttpResponse<String> response = put(part.url(), part.headers(),
                    Arrays.copyOfRange(archive, from, (int) Math.min(archive.length, from + multipart.partSize())));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            etags.add(response.headers().firstValue("ETag").orElseThrow());
        }
        return etags;
    }

    private static HttpResponse<String> complete(ApiModel.Multipart multipart, List<String> etags) throws Exception {
        StringBuilder xml = new StringBuilder("<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
        for (int i = 0; i < etags.size(); i++) {
            ApiModel.Part part = multipart.parts().get(i);
            xml.append("<Part><PartNumber>").append(part.number()).append("</PartNumber><ETag>").append(etags.get(i))
                    .append("</ETag><ChecksumSHA256>").append(part.headers().get("x-amz-checksum-sha256"))
                    .append("</ChecksumSHA256></Part>");
        }
        xml.append("</CompleteMultipartUpload>");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(multipart.completeUrl()))
                .header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofString(xml.toString(), StandardCharsets.UTF_8));
        multipart.completeHeaders().forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The object's bytes, or null when there is none. */
    private static byte[] stored(String key) {
        try {
            return h.s3.client().getObjectAsBytes(r -> r.bucket(ApiHarness.BUCKET).key(key)).asByteArray();
        } catch (NoSuchKeyException e) {
            return null;
        }
    }

    private static int openUploads(String sha256) {
        return h.s3.client().listMultipartUploads(r -> r.bucket(ApiHarness.BUCKET).prefix("contexts/" + sha256)).uploads().size();
    }

    /** Submits a build of {@code key} whose pre-script leaves a marker: proof that something ran. */
    private String submit(String key) throws Exception {
        Path marker = temp.resolve("ran-" + key.substring(9, 17) + "-" + System.nanoTime());
        var build = BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", """
                bake:
                - arch: amd64
                  pre-script: touch %s
                  kaniko: {no-push: true}
                """.formatted(marker)))).builds().getFirst();
        ObjectNode body = JSON.createObjectNode().put("context", key);
        body.set("plan", JSON.readTree(PlanJson.write(build.plan())));
        ApiResponse answer = h.call("POST /builds", Map.of(), Map.of(), body.toString());
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        String buildId = JSON.readTree(answer.body()).path("buildId").asText();
        markers.put(buildId, marker);
        return buildId;
    }

    private final Map<String, Path> markers = new java.util.HashMap<>();

    private static JsonNode build(String buildId) throws IOException {
        return JSON.readTree(h.call("GET /builds/{id}", Map.of("id", buildId), Map.of(), null).body());
    }

    private record Run(int exitCode, String output, AtomicBoolean built, Path marker, Path workspace) {
    }

    /** The real agent on the build's only task: its fetch, verification, extraction, pre-script and result. */
    private Run runAgent(String buildId) throws IOException {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
        var spec = TaskSpecs.fromStore(h.store, ApiHarness.BUCKET, buildId, "amd64");
        AgentLog log = new AgentLog(out, Clock.systemUTC(), buildId, "amd64", "amd64");
        Path work = Files.createDirectories(temp.resolve(buildId));
        Path workspace = work.resolve("workspace");
        AtomicBoolean built = new AtomicBoolean();
        // Stands in for Kaniko: it only records that it was asked to build, and from which files.
        Builder builder = (request, runner) -> {
            built.set(true);
            assertThat(request.workspace().resolve("Dockerfile")).exists();
            return new BuildOutcome(0, "sha256:" + "0".repeat(64), List.of(), null, false);
        };
        Agent agent = new Agent(spec, new Agent.Paths(workspace, work.resolve("docker/config.json"), work.resolve("digest"),
                work.resolve("bakery-secrets"), SafeExtractor.Limits.DEFAULT), new ContextFetcher(h.s3.client(), 1L << 30),
                RegistryCredentials.none(), new SecretsManagerSecrets(h.aws.secretsManager(ApiHarness.REGION)), builder,
                new StoreResultSink(h.store, buildId, "amd64", "test-runner"), new ProcessRunner(log), log, Clock.systemUTC());
        int exit = agent.run();
        return new Run(exit, output.toString(StandardCharsets.UTF_8), built, markers.get(buildId), workspace);
    }
}
