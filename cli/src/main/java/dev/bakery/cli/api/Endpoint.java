package dev.bakery.cli.api;

import java.net.URI;

/**
 * Where the API is and how to talk to it.
 *
 * @param rest      the REST API's base URL (API Gateway's stage URL, or {@code http://127.0.0.1:P})
 * @param websocket the WebSocket API's URL, or null when there is none (the CLI then polls)
 * @param signer    signs REST calls and the WebSocket connect request
 */
public record Endpoint(URI rest, URI websocket, RequestSigner signer) {

    public Endpoint {
        String text = rest.toString();
        rest = URI.create(text.endsWith("/") ? text : text + "/");
    }

    /** {@code path} (no leading slash, may carry a query) under the REST base. */
    public URI resolve(String path) {
        return URI.create(rest + path);
    }
}
