package dev.bakery.functions.contexts;

import dev.bakery.core.Digests;
import dev.bakery.functions.errors.Refusal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
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
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

/**
 * {@code POST /contexts {sha256, size, partSize, parts}}: tells the client whether its context
 * archive is stored already (content-addressed, key {@code contexts/<sha256>.tar.gz}) and, if not,
 * hands out presigned URLs to upload it: one PUT up to the multipart threshold (64 MiB), which S3
 * accepts only when the body has the claimed SHA-256 and size; above it, a multipart upload with a
 * URL per part, each pinned to its length and its claimed SHA-256, and one to complete it. Every
 * write is conditional ({@code If-None-Match: *} on the PUT and on the complete call): a stored
 * context is never replaced.
 *
 * <p>"Stored already" is said only of an object the server has verified against the claim: S3's
 * full-object SHA-256 equals the key's (a single PUT), or its composite checksum equals the one of
 * the claimed parts (a multipart upload of the same bytes). Any other object under the key (another
 * part layout, an upload whose parts do not add up to the key's digest, an object written straight
 * into the bucket) is read and hashed once: the key's own bytes count as stored, anything else is
 * deleted, since it can never be the content of its key, and the claim gets an upload offer.
 *
 * <p>Thread-safe; the S3 client and presigner are built once by the caller and shared.
 */
public final class ContextService {

    public static final long MIB = 1024L * 1024;
    public static final long DEFAULT_MULTIPART_THRESHOLD = 64 * MIB;
    public static final Duration DEFAULT_URL_LIFETIME = Duration.ofMinutes(15);

    /** S3's limits: a single PUT is at most 5 GiB; parts are 5 MiB to 5 GiB (the last may be smaller), at most 10,000. */
    static final long MAX_SINGLE_PUT = 5L * 1024 * MIB;
    static final long MIN_PART_SIZE = 5 * MIB;
    static final long MAX_PART_SIZE = 5L * 1024 * MIB;
    public static final int MAX_PARTS = 10_000;
    /** SigV4 presigned URLs live at most 7 days. */
    static final Duration MAX_URL_LIFETIME = Duration.ofDays(7);

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** Signed, but every HTTP client sets them itself (java.net.http even refuses them by hand). */
    private static final Set<String> IMPLICIT_HEADERS = Set.of("host", "content-length");
    private static final String ANY = "*";

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final long maxBytes;
    private final Duration urlLifetime;
    private final long multipartThreshold;

    /** With the defaults: 15-minute URLs, multipart above 64 MiB. */
    public ContextService(S3Client s3, S3Presigner presigner, String bucket, long maxBytes) {
        this(s3, presigner, bucket, maxBytes, DEFAULT_URL_LIFETIME, DEFAULT_MULTIPART_THRESHOLD);
    }

    /**
     * @param maxBytes           the largest context accepted (larger ones are refused with 413)
     * @param urlLifetime        how long the presigned URLs stay valid
     * @param multipartThreshold contexts larger than this are uploaded in parts (of the claim's part size)
     */
    public ContextService(S3Client s3, S3Presigner presigner, String bucket, long maxBytes, Duration urlLifetime,
            long multipartThreshold) {
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
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, not " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.multipartThreshold = multipartThreshold;
    }

    /** The object key of a context: {@code contexts/<sha256>.tar.gz}. */
    public static String key(String sha256) {
        return "contexts/" + sha256 + ".tar.gz";
    }

    /**
     * The answer to {@code POST /contexts} (the handler checks the JSON types first).
     *
     * @param sha256   the archive's SHA-256, 64 lowercase hex characters
     * @param size     the archive's length in bytes
     * @param partSize the length of each slice {@code parts} digests (the last shorter)
     * @param parts    the SHA-256 of each slice, in order
     * @throws Refusal {@code invalid_digest}, {@code invalid_size}, {@code context_too_large},
     *                 {@code invalid_part_size}, {@code invalid_parts}
     */
    public ContextOffer offer(String sha256, long size, long partSize, List<String> parts) {
        requireDigest(sha256, "sha256");
        if (size <= 0) {
            throw new Refusal(Refusal.Kind.INVALID, "invalid_size", "size must be a positive integer (the archive's length in bytes)",
                    "size");
        }
        if (size > maxBytes) {
            throw new Refusal(Refusal.Kind.TOO_LARGE, "context_too_large", "the build context is " + mib(size, RoundingMode.CEILING)
                    + " MiB; the largest accepted is " + mib(maxBytes, RoundingMode.FLOOR) + " MiB", "size");
        }
        requireParts(sha256, size, partSize, parts);
        String key = key(sha256);
        HeadObjectResponse stored = head(key);
        if (stored != null && (verified(stored, sha256, size, parts) || storedBytesAre(key, stored, sha256))) {
            return new ContextOffer.Exists(key);
        }
        return size <= multipartThreshold ? singlePut(key, sha256, size) : multipart(key, size, partSize, parts);
    }

    /**
     * Whether the context object was uploaded (the submit handler checks before starting a build).
     * Existence only: the agent checks the SHA-256 of what it downloads before anything runs.
     */
    public boolean exists(String key) {
        return head(key) != null;
    }

    private static void requireDigest(String sha256, String path) {
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new Refusal(Refusal.Kind.INVALID, "invalid_digest", path + " must be 64 lowercase hex characters", path);
        }
    }

    /** The parts must slice exactly {@code size} bytes in {@code partSize} pieces S3 accepts; one part is the whole. */
    private static void requireParts(String sha256, long size, long partSize, List<String> parts) {
        if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
            throw new Refusal(Refusal.Kind.INVALID, "invalid_part_size", "partSize must be " + MIN_PART_SIZE + " to "
                    + MAX_PART_SIZE + " bytes (S3's part sizes)", "partSize");
        }
        long count = Math.ceilDiv(size, partSize);
        if (count > MAX_PARTS) {
            throw new Refusal(Refusal.Kind.INVALID, "invalid_part_size", "partSize " + partSize + " cuts " + size
                    + " bytes into more than " + MAX_PARTS + " parts", "partSize");
        }
        if (parts == null || parts.size() != count) {
            throw new Refusal(Refusal.Kind.INVALID, "invalid_parts", "parts must hold the SHA-256 of each of the " + count
                    + " parts of " + partSize + " bytes (the last shorter) of a " + size + "-byte archive, not "
                    + (parts == null ? "nothing" : parts.size()), "parts");
        }
        for (int i = 0; i < parts.size(); i++) {
            requireDigest(parts.get(i), "parts[" + i + "]");
        }
        if (count == 1 && !parts.getFirst().equals(sha256)) {
            throw new Refusal(Refusal.Kind.INVALID, "invalid_parts", "a one-part archive's part is the archive: parts[0] must be"
                    + " its sha256", "parts[0]");
        }
    }

    /** The stored object's head with its checksum, or null when there is none. */
    private HeadObjectResponse head(String key) {
        try {
            return s3.headObject(b -> b.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED));
        } catch (NoSuchKeyException e) {
            return null;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** S3 vouches for it: its full-object SHA-256 is the key's, or it is a multipart upload of the claimed parts. */
    private static boolean verified(HeadObjectResponse stored, String sha256, long size, List<String> parts) {
        if (stored.contentLength() == null || stored.contentLength() != size || stored.checksumSHA256() == null) {
            return false;
        }
        return stored.checksumSHA256().equals(base64(sha256)) || stored.checksumSHA256().equals(composite(parts));
    }

    /**
     * Reads and hashes an object S3 does not vouch for; deletes it when its bytes are not its key's.
     * Anything larger than the largest accepted context is removed unread: no upload made it.
     */
    private boolean storedBytesAre(String key, HeadObjectResponse stored, String sha256) {
        if (stored.contentLength() != null && stored.contentLength() <= maxBytes) {
            MessageDigest digest = Digests.sha256Digest();
            try (InputStream in = s3.getObject(r -> r.bucket(bucket).key(key))) {
                in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), digest));
            } catch (NoSuchKeyException e) {
                return false;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + key + " to verify it", e);
            }
            if (HexFormat.of().formatHex(digest.digest()).equals(sha256)) {
                return true;
            }
        }
        s3.deleteObject(r -> r.bucket(bucket).key(key));
        return false;
    }

    /** S3's checksum of a multipart object: the SHA-256 of the parts' raw SHA-256s, then {@code -<count>}. */
    static String composite(List<String> parts) {
        MessageDigest digest = Digests.sha256Digest();
        parts.forEach(part -> digest.update(HexFormat.of().parseHex(part)));
        return Base64.getEncoder().encodeToString(digest.digest()) + "-" + parts.size();
    }

    private static String base64(String sha256) {
        return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256));
    }

    private ContextOffer.SinglePut singlePut(String key, String sha256, long size) {
        String checksum = base64(sha256);
        PresignedPutObjectRequest put = presigner.presignPutObject(p -> p.signatureDuration(urlLifetime)
                .putObjectRequest(r -> r.bucket(bucket).key(key).contentLength(size).checksumSHA256(checksum).ifNoneMatch(ANY)));
        Map<String, String> headers = headers(put, Map.of("x-amz-checksum-sha256", checksum, "if-none-match", ANY));
        return new ContextOffer.SinglePut(key, uri(put), headers, put.expiration());
    }

    private ContextOffer.Multipart multipart(String key, long size, long partSize, List<String> digests) {
        String uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key).checksumAlgorithm(ChecksumAlgorithm.SHA256))
                .uploadId();
        List<ContextOffer.PartUrl> parts = new ArrayList<>(digests.size());
        Instant expiresAt = null;
        for (int number = 1; number <= digests.size(); number++) {
            int partNumber = number;
            long length = Math.min(partSize, size - (number - 1) * partSize);
            String checksum = base64(digests.get(number - 1));
            PresignedRequest part = presigner.presignUploadPart(p -> p.signatureDuration(urlLifetime)
                    .uploadPartRequest(r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber)
                            .contentLength(length).checksumSHA256(checksum)));
            parts.add(new ContextOffer.PartUrl(number, uri(part), headers(part, Map.of("x-amz-checksum-sha256", checksum))));
            expiresAt = earliest(expiresAt, part.expiration());
        }
        PresignedRequest complete = presigner.presignCompleteMultipartUpload(p -> p.signatureDuration(urlLifetime)
                .completeMultipartUploadRequest(r -> r.bucket(bucket).key(key).uploadId(uploadId).ifNoneMatch(ANY)));
        return new ContextOffer.Multipart(key, uploadId, partSize, parts, uri(complete),
                headers(complete, Map.of("if-none-match", ANY)), earliest(expiresAt, complete.expiration()));
    }

    /**
     * The headers the client must send: every signed one but host and content-length. The ones that
     * pin the content and the condition must be among them, or S3 would not enforce them.
     */
    private static Map<String, String> headers(PresignedRequest request, Map<String, String> required) {
        Map<String, String> headers = new LinkedHashMap<>();
        request.signedHeaders().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!IMPLICIT_HEADERS.contains(lower)) {
                headers.put(lower, String.join(",", values));
            }
        });
        required.forEach((name, value) -> {
            if (!value.equals(headers.get(name))) {
                throw new IllegalStateException("presigned " + request.httpRequest().method() + " does not sign " + name + ": "
                        + request.signedHeaders().keySet());
            }
        });
        return headers;
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    private static URI uri(PresignedRequest request) {
        return URI.create(request.url().toString());
    }

    private static String mib(long bytes, RoundingMode rounding) {
        return BigDecimal.valueOf(bytes).divide(BigDecimal.valueOf(MIB), 2, rounding).stripTrailingZeros().toPlainString();
    }
}
