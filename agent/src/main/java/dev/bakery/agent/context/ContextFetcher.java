package dev.bakery.agent.context;

import dev.bakery.agent.spec.TaskSpec;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import software.amazon.awssdk.services.s3.S3Client;

/** Opens the build context as a stream (never a temp file), from S3 or a presigned URL, with a size limit. */
public final class ContextFetcher {

    private final S3Client s3;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();
    private final long maxBytes;

    /** @param s3 the S3 client, or null where contexts come by URL only */
    public ContextFetcher(S3Client s3, long maxBytes) {
        this.s3 = s3;
        this.maxBytes = maxBytes;
    }

    public InputStream open(TaskSpec spec) throws IOException, InterruptedException {
        if (spec.contextUrl() != null) {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(spec.contextUrl()).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                response.body().close();
                throw new IOException("downloading the context failed: HTTP " + response.statusCode()
                        + " from " + spec.contextUrl().getHost());
            }
            return limited(response.body());
        }
        if (s3 == null) {
            throw new IOException("the context is in S3 but this agent has no S3 client");
        }
        return limited(s3.getObject(r -> r.bucket(spec.contextBucket()).key(spec.contextKey())));
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
