package dev.bakery.cli.api;

import java.net.URI;
import java.util.Map;

/**
 * Adds what the server needs to trust a request: SigV4 headers for AWS, nothing for the local mode
 * on 127.0.0.1 (which checks no signature).
 */
public interface RequestSigner {

    /** The local mode's: no signature. */
    RequestSigner NONE = (method, uri, body) -> Map.of();

    /**
     * The headers to add to this request, exactly as it will be sent.
     *
     * @param body the body's bytes (empty for none)
     */
    Map<String, String> headers(String method, URI uri, byte[] body);
}
