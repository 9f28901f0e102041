package dev.bakery.local.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.aws.SigV4Verifier;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.content.ByteBufferContentSource;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * What API Gateway's IAM authorization does for the REST and WebSocket APIs, plus what a loopback
 * port needs besides: the port is reachable by every user of the machine and by every web page its
 * owner opens, so before any handler runs (the WebSocket upgrade included) a request must
 * <ol>
 * <li>name {@code 127.0.0.1:PORT} as its {@code Host} (a DNS-rebound page sends its own name);</li>
 * <li>carry no {@code Origin} (browsers add it; the CLI and the SDKs never do);</li>
 * <li>have a JSON body if any (a browser's {@code text/plain} or form POST needs no CORS preflight): else 415;</li>
 * <li>be SigV4-signed for {@code execute-api} with the run's keys: else 403.</li>
 * </ol>
 * Secrets Manager requests (the agents') pass the first two checks here and their own signature
 * check in {@link SecretsManagerEndpoint}. The body read for the signature is handed on unchanged.
 */
final class CallerCheck extends Handler.Wrapper {

    static final String SERVICE = "execute-api";
    /** API Gateway's payload limit; the handlers refuse anything above their own, smaller ones. */
    static final int MAX_BODY_BYTES = 10 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOW = "bakery-local takes only requests signed with the credentials of this run, "
            + "which its owner's CLI reads from the data dir: use `bakery --endpoint local`";

    private final SigV4Verifier verifier;
    private final IntSupplier port;

    /** @param port the port the server listens on (known once it started) */
    CallerCheck(SigV4Verifier verifier, IntSupplier port, Handler next) {
        super(next);
        this.verifier = verifier;
        this.port = port;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String host = request.getHeaders().get(HttpHeader.HOST);
        if (!("127.0.0.1:" + port.getAsInt()).equals(host)) {
            return refuse(response, callback, 403, "wrong_host", "Host \"" + host + "\" is not this server's: bakery-local "
                    + "answers only requests for 127.0.0.1:" + port.getAsInt() + " (a web page cannot reach it through "
                    + "another name)");
        }
        if (request.getHeaders().contains(HttpHeader.ORIGIN)) {
            return refuse(response, callback, 403, "browser_refused", "requests from web pages (with an Origin header) "
                    + "are refused: " + HOW);
        }
        String target = request.getHeaders().get("X-Amz-Target");
        if (target != null && target.startsWith(SecretsManagerEndpoint.TARGET_PREFIX)) {
            return super.handle(request, response, callback);
        }
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            return refuse(response, callback, 413, "too_large", "Request Too Long");
        }
        if (body.length > 0 && !isJson(request.getHeaders().get(HttpHeader.CONTENT_TYPE))) {
            return refuse(response, callback, 415, "unsupported_media_type", "the body must be application/json, not \""
                    + request.getHeaders().get(HttpHeader.CONTENT_TYPE) + "\"");
        }
        Optional<SigV4Verifier.Refusal> refusal = verify(verifier, request, body);
        if (refusal.isPresent()) {
            return refuse(response, callback, 403, "not_signed", refusal.get().message() + " (" + refusal.get().code()
                    + "): " + HOW);
        }
        return super.handle(new Request.Wrapper(request) {
            private final Content.Source content = new ByteBufferContentSource(ByteBuffer.wrap(body));

            @Override
            public Content.Chunk read() {
                return content.read();
            }

            @Override
            public void demand(Runnable demandCallback) {
                content.demand(demandCallback);
            }

            @Override
            public void fail(Throwable failure) {
                content.fail(failure);
            }
        }, response, callback);
    }

    /** The verifier's verdict on the request as received (its path and query, every header, the body). */
    static Optional<SigV4Verifier.Refusal> verify(SigV4Verifier verifier, Request request, byte[] body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField header : request.getHeaders()) {
            headers.computeIfAbsent(header.getName(), n -> new ArrayList<>()).add(header.getValue());
        }
        return verifier.verify(request.getMethod(), URI.create(request.getHttpURI().getPathQuery()), headers, body);
    }

    /** {@code application/json}, with parameters (a charset) or not. */
    private static boolean isJson(String contentType) {
        return contentType != null && contentType.split(";", 2)[0].strip().equalsIgnoreCase("application/json");
    }

    private static boolean refuse(Response response, Callback callback, int status, String code, String message)
            throws java.io.IOException {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Content.Sink.write(response, true, JSON.writeValueAsString(Map.of("error", code, "message", message)), callback);
        return true;
    }
}
