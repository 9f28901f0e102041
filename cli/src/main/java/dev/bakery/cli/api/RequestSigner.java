package dev.bakery.cli.api;

import java.net.URI;
import java.util.Map;

/**
 * Adds what the server needs to trust a request: SigV4 headers (for AWS with the caller's
 * credentials, for the local mode with its run's keys), nothing for presigned URLs.
 */
public interface RequestSigner {

    /** For presigned URLs, which carry their signature in the query. */
    RequestSigner NONE = (method, uri, body) -> Map.of();

    /**
     * The headers to add to this request, exactly as it will be sent.
     *
     * @param body the body's bytes (empty for none)
     */
    Map<String, String> headers(String method, URI uri, byte[] body);
}
