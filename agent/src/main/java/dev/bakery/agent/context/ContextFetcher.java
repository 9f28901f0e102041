package dev.bakery.agent.context;

import dev.bakery.agent.spec.TaskSpec;
import dev.bakery.core.Digests;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Downloads the build context, from S3 or a presigned URL, with a size limit, into a file only this
 * process can read, and checks its SHA-256 against the one its key names before anyone reads it: a
 * context is content-addressed ({@code contexts/<sha256>.tar.gz}), so bytes with another digest are
 * not this build's context, whoever wrote them. Those are removed from the bucket (so that the next
 * honest upload stores the real archive again) and the task fails with {@link ContextMismatchException}.
 */
public final class ContextFetcher {

    private static final Pattern KEY = Pattern.compile("contexts/([0-9a-f]{64})\\.tar\\.gz");

    private final S3Client s3;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();
    private final long maxBytes;

    /** @param s3 the S3 client, or null where contexts come by URL only */
    public ContextFetcher(S3Client s3, long maxBytes) {
        this.s3 = s3;
        this.maxBytes = maxBytes;
    }

    /** The verified archive in a temp file, deleted on close. */
    public static final class Verified implements AutoCloseable {
        private final Path file;

        private Verified(Path file) {
            this.file = file;
        }

        public InputStream open() throws IOException {
            return Files.newInputStream(file);
        }

        @Override
        public void close() throws IOException {
            Files.deleteIfExists(file);
        }
    }

    /**
     * @throws ContextMismatchException the bytes are not the key's (they were removed from the bucket)
     * @throws IOException              the download failed, or the key names no SHA-256
     */
    public Verified fetch(TaskSpec spec) throws IOException, InterruptedException {
        Matcher key = KEY.matcher(spec.contextKey());
        if (!key.matches()) {
            throw new IOException("the context key " + spec.contextKey() + " is not contexts/<sha256>.tar.gz: it cannot be verified");
        }
        String expected = key.group(1);
        Path file = Files.createTempFile("bakery-context-", ".tar.gz");
        try {
            MessageDigest digest = Digests.sha256Digest();
            try (InputStream in = limited(open(spec));
                    OutputStream out = new DigestOutputStream(Files.newOutputStream(file), digest)) {
                in.transferTo(out);
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(expected)) {
                throw new ContextMismatchException(spec.contextKey(), expected, actual, remove(spec));
            }
            return new Verified(file);
        } catch (IOException | InterruptedException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    private InputStream open(TaskSpec spec) throws IOException, InterruptedException {
        if (spec.contextUrl() != null) {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(spec.contextUrl()).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                response.body().close();
                throw new IOException("downloading the context failed: HTTP " + response.statusCode()
                        + " from " + spec.contextUrl().getHost());
            }
            return response.body();
        }
        if (s3 == null) {
            throw new IOException("the context is in S3 but this agent has no S3 client");
        }
        return s3.getObject(r -> r.bucket(spec.contextBucket()).key(spec.contextKey()));
    }

    /** Deletes the object that is not its key's content; says how that went, for the task's error. */
    private String remove(TaskSpec spec) throws InterruptedException {
        try {
            if (spec.contextUrl() == null) {
                s3.deleteObject(r -> r.bucket(spec.contextBucket()).key(spec.contextKey()));
                return "it was removed";
            }
            URI delete = spec.contextDeleteUrl();
            if (delete == null) {
                return "this agent has no way to remove it";
            }
            int status = http.send(HttpRequest.newBuilder(delete).DELETE().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            return status / 100 == 2 ? "it was removed" : "removing it failed: HTTP " + status;
        } catch (SdkException | IOException e) {
            return "removing it failed: " + e.getMessage();
        }
    }

    /**
     * Fails once more than {@code maxBytes} compressed bytes arrive. Written here because the
     * bounded streams in commons-io stop silently at the limit, and a truncated context must not
     * look like a complete one.
     */
    private InputStream limited(InputStream in) {
        return new FilterInputStream(in) {
            private long count;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    count(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    count(n);
                }
                return n;
            }

            private void count(long n) throws IOException {
                count += n;
                if (count > maxBytes) {
                    throw new IOException("the context is larger than " + (maxBytes >> 20) + " MiB compressed");
                }
            }
        };
    }
}
