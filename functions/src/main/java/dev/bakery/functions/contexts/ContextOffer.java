package dev.bakery.functions.contexts;

import java.net.URI;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What {@code POST /contexts} answers for one context archive: it is already stored, or how to
 * upload it (one presigned PUT, or a presigned multipart upload). The REST layer writes it as {@code ApiModel.ContextOffer}.
 */
public sealed interface ContextOffer permits ContextOffer.Exists, ContextOffer.SinglePut, ContextOffer.Multipart {

    /** The object key, {@code contexts/<sha256>.tar.gz}. */
    String key();

    /** The context is stored already, verified against the claim: nothing to upload. */
    record Exists(String key) implements ContextOffer {
        public Exists {
            Objects.requireNonNull(key, "key");
        }
    }

    /**
     * One presigned PUT of the whole archive.
     *
     * @param headers the headers the client must add to the PUT, exactly (names in lower case);
     *                {@code host} and {@code content-length} are signed too but are left out:
     *                every HTTP client sets them from the URL and the body
     */
    record SinglePut(String key, URI url, Map<String, String> headers, Instant expiresAt) implements ContextOffer {
        public SinglePut {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(expiresAt, "expiresAt");
            headers = Collections.unmodifiableMap(new TreeMap<>(headers));
        }
    }

    /**
     * A multipart upload already created: PUT each part (bytes {@code (number-1)*partSize} up to
     * {@code partSize} long, the last one shorter) to its URL with its headers, then POST the
     * {@code CompleteMultipartUpload} XML with the parts' ETags and checksums to {@code completeUrl}
     * with {@code completeHeaders}.
     */
    record Multipart(String key, String uploadId, long partSize, List<PartUrl> parts, URI completeUrl,
            Map<String, String> completeHeaders, Instant expiresAt) implements ContextOffer {
        public Multipart {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(uploadId, "uploadId");
            Objects.requireNonNull(completeUrl, "completeUrl");
            Objects.requireNonNull(expiresAt, "expiresAt");
            parts = List.copyOf(parts);
            completeHeaders = Collections.unmodifiableMap(new TreeMap<>(completeHeaders));
        }
    }

    /** The presigned UploadPart URL of part {@code number} (1-based) and the headers to send with it, exactly. */
    record PartUrl(int number, URI url, Map<String, String> headers) {
        public PartUrl {
            Objects.requireNonNull(url, "url");
            headers = Collections.unmodifiableMap(new TreeMap<>(headers));
        }
    }
}
