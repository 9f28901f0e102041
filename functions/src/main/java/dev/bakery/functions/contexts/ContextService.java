package dev.bakery.functions.contexts;

import dev.bakery.functions.errors.Refusal;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.presigner.PresignedRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

/**
 * {@code POST /contexts {sha256, size}}: tells the client whether its context archive is stored
 * already (content-addressed, key {@code contexts/<sha256>.tar.gz}) and, if not, hands out
 * presigned URLs to upload it: one PUT up to the multipart threshold (64 MiB), which S3 accepts
 * only when the body has the claimed SHA-256 and size; above it, a multipart upload with a URL per
 * part (each pinned to its length) and one to complete it.
 *
 * <p>Thread-safe; the S3 client and presigner are built once by the caller and shared.
 */
public final class ContextService {

    public static final long MIB = 1024L * 1024;
    public static final long DEFAULT_MULTIPART_THRESHOLD = 64 * MIB;
    public static final long DEFAULT_PART_SIZE = 64 * MIB;
    public static final Duration DEFAULT_URL_LIFETIME = Duration.ofMinutes(15);

    /** S3's limits: a single PUT is at most 5 GiB; parts are 5 MiB to 5 GiB (the last may be smaller), at most 10,000. */
    static final long MAX_SINGLE_PUT = 5L * 1024 * MIB;
    static final long MIN_PART_SIZE = 5 * MIB;
    static final long MAX_PART_SIZE = 5L * 1024 * MIB;
    static final int MAX_PARTS = 10_000;
    /** SigV4 presigned URLs live at most 7 days. */
    static final Duration MAX_URL_LIFETIME = Duration.ofDays(7);

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** Signed, but every HTTP client sets them itself (java.net.http even refuses them by hand). */
    private static final Set<String> IMPLICIT_HEADERS = Set.of("host", "content-length");

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final long maxBytes;
    private final Duration urlLifetime;
    private final long multipartThreshold;
    private final long partSize;

    /** With the defaults: 15-minute URLs, multipart above 64 MiB in 64 MiB parts. */
    public ContextService(S3Client s3, S3Presigner presigner, String bucket, long maxBytes) {
        this(s3, presigner, bucket, maxBytes, DEFAULT_URL_LIFETIME, DEFAULT_MULTIPART_THRESHOLD, DEFAULT_PART_SIZE);
    }

    /**
     * @param maxBytes           the largest context accepted (larger ones are refused with 413)
     * @param urlLifetime        how long the presigned URLs stay valid
     * @param multipartThreshold contexts larger than this are uploaded in parts
     * @param partSize           the size of every part but the last
     */
    public ContextService(S3Client s3, S3Presigner presigner, String bucket, long maxBytes, Duration urlLifetime,
            long multipartThreshold, long partSize) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.presigner = Objects.requireNonNull(presigner, "presigner");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.urlLifetime = Objects.requireNonNull(urlLifetime, "urlLifetime");
        if (urlLifetime.isNegative() || urlLifetime.isZero() || urlLifetime.compareTo(MAX_URL_LIFETIME) > 0) {
            throw new IllegalArgumentException("urlLifetime must be positive and at most 7 days, not " + urlLifetime);
        }
        if (multipartThreshold <= 0 || multipartThreshold > MAX_SINGLE_PUT) {
            throw new IllegalArgumentException("multipartThreshold must be 1 byte to 5 GiB, not " + multipartThreshold);
        }
        if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
            throw new IllegalArgumentException("partSize must be 5 MiB to 5 GiB (S3's limits), not " + partSize);
        }
        if (maxBytes <= 0 || partCount(maxBytes, partSize) > MAX_PARTS) {
            throw new IllegalArgumentException("maxBytes must be positive and fit in " + MAX_PARTS + " parts of "
                    + partSize + " bytes, not " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.multipartThreshold = multipartThreshold;
        this.partSize = partSize;
    }

    /** The object key of a context: {@code contexts/<sha256>.tar.gz}. */
    public static String key(String sha256) {
        return "contexts/" + sha256 + ".tar.gz";
    }

    /**
     * The answer to {@code POST /contexts {sha256, size}} (the handler checks the JSON types first).
     *
     * @param sha256 the archive's SHA-256, 64 lowercase hex characters
     * @param size   the archive's length in bytes
     * @throws Refusal {@code invalid_digest}, {@code invalid_size}, {@code context_too_large}
     */
    public ContextOffer offer(String sha256, long size) {
        requireDigest(sha256);
        if (size <= 0) {
            throw invalidSize();
        }
        if (size > maxBytes) {
            throw new Refusal(Refusal.Kind.TOO_LARGE, "context_too_large", "the build context is " + mib(size, RoundingMode.CEILING)
                    + " MiB; the largest accepted is " + mib(maxBytes, RoundingMode.FLOOR) + " MiB", "size");
        }
        String key = key(sha256);
        if (storedSize(key) == size) {
            return new ContextOffer.Exists(key);
        }
        return size <= multipartThreshold ? singlePut(key, sha256, size) : multipart(key, size);
    }

    /** Whether the context object was uploaded (the submit handler checks before starting a build). */
    public boolean exists(String key) {
        return storedSize(key) >= 0;
    }

    private static void requireDigest(String sha256) {
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new Refusal(Refusal.Kind.INVALID, "invalid_digest", "sha256 must be 64 lowercase hex characters", "sha256");
        }
    }

    private static Refusal invalidSize() {
        return new Refusal(Refusal.Kind.INVALID, "invalid_size", "size must be a positive integer (the archive's length in bytes)",
                "size");
    }

    /** The stored object's size, or -1 when there is none. */
    private long storedSize(String key) {
        try {
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
            return head.contentLength() == null ? -1 : head.contentLength();
        } catch (NoSuchKeyException e) {
            return -1;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return -1;
            }
            throw e;
        }
    }

    private ContextOffer.SinglePut singlePut(String key, String sha256, long size) {
        String checksum = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256));
        PresignedPutObjectRequest put = presigner.presignPutObject(p -> p.signatureDuration(urlLifetime)
                .putObjectRequest(r -> r.bucket(bucket).key(key).contentLength(size).checksumSHA256(checksum)));
        Map<String, String> headers = new LinkedHashMap<>();
        put.signedHeaders().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!IMPLICIT_HEADERS.contains(lower)) {
                headers.put(lower, String.join(",", values));
            }
        });
        if (!checksum.equals(headers.get("x-amz-checksum-sha256"))) {
            throw new IllegalStateException("the presigned PUT does not sign x-amz-checksum-sha256: " + put.signedHeaders().keySet());
        }
        return new ContextOffer.SinglePut(key, uri(put), headers, put.expiration());
    }

    private ContextOffer.Multipart multipart(String key, long size) {
        String uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
        int count = partCount(size, partSize);
        List<ContextOffer.PartUrl> parts = new ArrayList<>(count);
        Instant expiresAt = null;
        for (int number = 1; number <= count; number++) {
            int partNumber = number;
            long length = Math.min(partSize, size - (number - 1) * partSize);
            PresignedRequest part = presigner.presignUploadPart(p -> p.signatureDuration(urlLifetime)
                    .uploadPartRequest(r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber)
                            .contentLength(length)));
            requireOnlyImplicitHeaders(part);
            parts.add(new ContextOffer.PartUrl(number, uri(part)));
            expiresAt = earliest(expiresAt, part.expiration());
        }
        PresignedRequest complete = presigner.presignCompleteMultipartUpload(p -> p.signatureDuration(urlLifetime)
                .completeMultipartUploadRequest(r -> r.bucket(bucket).key(key).uploadId(uploadId)));
        requireOnlyImplicitHeaders(complete);
        return new ContextOffer.Multipart(key, uploadId, partSize, parts, uri(complete), earliest(expiresAt, complete.expiration()));
    }

    /** Multipart URLs come without headers in the answer: nothing but host and content-length may be signed. */
    private static void requireOnlyImplicitHeaders(PresignedRequest request) {
        for (String name : request.signedHeaders().keySet()) {
            if (!IMPLICIT_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalStateException("presigned " + request.httpRequest().method() + " signs header " + name);
            }
        }
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    private static int partCount(long size, long partSize) {
        return (int) Math.min(Integer.MAX_VALUE, Math.ceilDiv(size, partSize));
    }

    private static URI uri(PresignedRequest request) {
        return URI.create(request.url().toString());
    }

    private static String mib(long bytes, RoundingMode rounding) {
        return BigDecimal.valueOf(bytes).divide(BigDecimal.valueOf(MIB), 2, rounding).stripTrailingZeros().toPlainString();
    }
}
