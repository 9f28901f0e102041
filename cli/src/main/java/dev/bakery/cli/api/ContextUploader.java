package dev.bakery.cli.api;

import dev.bakery.core.Digests;
import dev.bakery.core.api.ApiModel;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts a packed context where the API says ({@code POST /contexts}, claiming the archive's SHA-256,
 * size and the SHA-256 of each part): nothing when it is stored already (contexts are
 * content-addressed, and the API says so only of an object it verified against the claim), else one
 * presigned PUT with the headers the API signed, or the parts of a presigned multipart upload in
 * parallel followed by the complete call. Each request is retried on its own ({@link Transport}).
 *
 * <p>Every write is conditional: S3 answers 412 when a context object appeared under the key in
 * the meantime. Then the claim is made again, and only the API's "stored" (verified against the
 * claim) counts as success; if the API removed an object that was not this archive, the upload
 * starts over, at most {@link #ATTEMPTS} times.
 */
public final class ContextUploader {

    private static final Duration PART_TIMEOUT = Duration.ofMinutes(10);
    private static final Pattern S3_CODE = Pattern.compile("<Code>([^<]*)</Code>");
    private static final Pattern S3_MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");
    private static final Pattern ETAG = Pattern.compile("\"?[0-9A-Za-z-]+\"?");
    static final int ATTEMPTS = 3;

    private final BakeryApi api;
    private final int parallelism;
    private final UploadProgress progress;

    private final long partSize;

    public ContextUploader(BakeryApi api, int parallelism, UploadProgress progress) {
        this(api, parallelism, progress, ApiModel.ContextClaim.DEFAULT_PART_SIZE);
    }

    /** @param partSize the slices the claim digests and a multipart upload sends */
    ContextUploader(BakeryApi api, int parallelism, UploadProgress progress, long partSize) {
        this.api = api;
        this.parallelism = parallelism;
        this.progress = progress;
        this.partSize = partSize;
    }

    /** What happened: the key to submit with, and whether bytes were sent. */
    public record Uploaded(String key, boolean wasStored) {
    }

    public Uploaded upload(Path archive, String sha256, long bytes) throws InterruptedException {
        ApiModel.ContextClaim claim = new ApiModel.ContextClaim(sha256, bytes, partSize, partDigests(archive, sha256, bytes, partSize));
        for (int attempt = 1; ; attempt++) {
            ApiModel.ContextOffer offer = api.offerContext(claim);
            if (offer.exists()) {
                return new Uploaded(offer.key(), true);
            }
            try {
                send(archive, bytes, offer);
                return new Uploaded(offer.key(), false);
            } catch (ApiException e) {
                if (e.status() != 412) {
                    throw e;
                }
                if (attempt == ATTEMPTS) {
                    throw new ApiException(409, "context_conflict", "another object took the key " + offer.key() + " "
                            + ATTEMPTS + " times while uploading, and the API did not find it to be this archive", null);
                }
            }
        }
    }

    /** The SHA-256 of each {@code partSize} slice; a one-part archive's part is the archive, already hashed. */
    static List<String> partDigests(Path archive, String sha256, long bytes, long partSize) {
        if (bytes <= partSize) {
            return List.of(sha256);
        }
        List<String> digests = new ArrayList<>();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(archive)) {
            for (long offset = 0; offset < bytes; offset += partSize) {
                MessageDigest digest = Digests.sha256Digest();
                long left = Math.min(partSize, bytes - offset);
                while (left > 0) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (n < 0) {
                        throw new IOException("the packed context ended before " + bytes + " bytes");
                    }
                    digest.update(buffer, 0, n);
                    left -= n;
                }
                digests.add(HexFormat.of().formatHex(digest.digest()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the packed context " + archive, e);
        }
        return digests;
    }

    private void send(Path archive, long bytes, ApiModel.ContextOffer offer) throws InterruptedException {
        progress.started(bytes);
        try {
            if (offer.upload() != null) {
                put(archive, offer.upload());
            } else if (offer.multipart() != null) {
                multipart(archive, bytes, offer.multipart());
            } else {
                throw new ApiException(200, "invalid_answer", "POST /contexts offered neither an upload nor a multipart upload", null);
            }
        } finally {
            progress.finished();
        }
    }

    private void put(Path archive, ApiModel.Upload upload) throws InterruptedException {
        long length = archive.toFile().length();
        HttpResponse<byte[]> response = send(new Transport.Call("PUT", URI.create(upload.url()), upload.headers(), new byte[0],
                counted(() -> publisher(archive, 0, length)), PART_TIMEOUT));
        requireOk("the context upload", response);
    }

    private void multipart(Path archive, long bytes, ApiModel.Multipart multipart) throws InterruptedException {
        List<Future<String>> etags = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, multipart.parts().size())))) {
            for (ApiModel.Part part : multipart.parts()) {
                long offset = (part.number() - 1) * multipart.partSize();
                long length = Math.min(multipart.partSize(), bytes - offset);
                etags.add(pool.submit(() -> {
                    HttpResponse<byte[]> response = send(new Transport.Call("PUT", URI.create(part.url()), part.headers(),
                            new byte[0], counted(() -> publisher(archive, offset, length)), PART_TIMEOUT));
                    requireOk("part " + part.number() + " of the context upload", response);
                    return response.headers().firstValue("ETag").filter(e -> ETAG.matcher(e).matches())
                            .orElseThrow(() -> new ApiException(response.statusCode(), "invalid_answer",
                                    "part " + part.number() + " of the context upload was answered without an ETag", null));
                }));
            }
            StringBuilder xml = new StringBuilder("<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
            for (int i = 0; i < etags.size(); i++) {
                ApiModel.Part part = multipart.parts().get(i);
                xml.append("<Part><PartNumber>").append(part.number()).append("</PartNumber><ETag>")
                        .append(etags.get(i).get().replace("\"", "&quot;")).append("</ETag><ChecksumSHA256>")
                        .append(part.headers().getOrDefault("x-amz-checksum-sha256", "")).append("</ChecksumSHA256></Part>");
            }
            xml.append("</CompleteMultipartUpload>");
            Map<String, String> headers = new TreeMap<>(multipart.completeHeaders());
            headers.put("Content-Type", "application/xml");
            HttpResponse<byte[]> done = send(Transport.Call.of("POST", URI.create(multipart.completeUrl()),
                    headers, xml.toString().getBytes(StandardCharsets.UTF_8), PART_TIMEOUT));
            requireOk("completing the context upload", done);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new ApiException(0, "upload_failed", "the context upload failed: " + e.getCause(), null);
        }
    }

    private HttpResponse<byte[]> send(Transport.Call call) throws InterruptedException {
        return api.transport().send(call, RequestSigner.NONE);
    }

    /** S3 may answer 200 with an error document to a complete call; any {@code <Error>} is a failure. */
    private static void requireOk(String what, HttpResponse<byte[]> response) {
        String body = new String(response.body(), StandardCharsets.UTF_8);
        if (response.statusCode() < 300 && !body.contains("<Error>")) {
            return;
        }
        Matcher code = S3_CODE.matcher(body);
        Matcher message = S3_MESSAGE.matcher(body);
        throw new ApiException(response.statusCode() < 300 ? 500 : response.statusCode(),
                code.find() ? code.group(1) : "http_" + response.statusCode(),
                what + " failed: HTTP " + response.statusCode() + (message.find() ? ": " + message.group(1) : ""), null);
    }

    /** Each attempt's bytes are counted; a new attempt takes back what the failed one had counted. */
    private Supplier<HttpRequest.BodyPublisher> counted(Supplier<HttpRequest.BodyPublisher> source) {
        AtomicLong previous = new AtomicLong();
        return () -> {
            progress.advanced(-previous.getAndSet(0));
            return new Counting(source.get(), previous, progress);
        };
    }

    private static HttpRequest.BodyPublisher publisher(Path file, long offset, long length) {
        byte[] bytes = new byte[Math.toIntExact(length)];
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            in.seek(offset);
            in.readFully(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the packed context " + file, e);
        }
        return HttpRequest.BodyPublishers.ofByteArray(bytes);
    }

    /** A body publisher that reports the bytes it hands to the HTTP client. */
    private record Counting(HttpRequest.BodyPublisher delegate, AtomicLong counted, UploadProgress progress)
            implements HttpRequest.BodyPublisher {

        @Override
        public long contentLength() {
            return delegate.contentLength();
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            delegate.subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscriber.onSubscribe(subscription);
                }

                @Override
                public void onNext(ByteBuffer item) {
                    counted.addAndGet(item.remaining());
                    progress.advanced(item.remaining());
                    subscriber.onNext(item);
                }

                @Override
                public void onError(Throwable throwable) {
                    subscriber.onError(throwable);
                }

                @Override
                public void onComplete() {
                    subscriber.onComplete();
                }
            });
        }
    }
}
