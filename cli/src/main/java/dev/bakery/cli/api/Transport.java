package dev.bakery.cli.api;

import dev.bakery.core.retry.Backoff;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One HTTP exchange with retries: a request that could not be sent, or that got 429 or a 5xx, is
 * sent again after an exponential, jittered pause. Only for requests that are safe to repeat, which
 * all of the CLI's are (reads, cancels, presigned part uploads, and submissions carrying an
 * idempotency key). Signing happens per attempt, so a retry never reuses an old signature.
 */
public final class Transport {

    /** How often and how patiently to retry. */
    public record Retry(int attempts, Backoff backoff) {
        public static final Retry STANDARD = new Retry(5, new Backoff(Duration.ofMillis(300), Duration.ofSeconds(8)));
        public static final Retry NONE = new Retry(1, Backoff.NONE);
    }

    /**
     * A request to send.
     *
     * @param body   the body as signed and sent (empty for none)
     * @param stream when not null, sent instead of {@code body} (a file region; only for unsigned requests)
     */
    public record Call(String method, URI uri, Map<String, String> headers, byte[] body,
            Supplier<HttpRequest.BodyPublisher> stream, Duration timeout) {

        public static Call of(String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout) {
            return new Call(method, uri, headers, body, null, timeout);
        }

        HttpRequest.BodyPublisher publisher() {
            if (stream != null) {
                return stream.get();
            }
            return body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body);
        }
    }

    private final HttpClient http;
    private final Retry retry;

    public Transport(HttpClient http, Retry retry) {
        this.http = http;
        this.retry = retry;
    }

    /** An HTTP/1.1 client: API Gateway, S3 and the local mode all speak it; 10 s to connect. */
    public static HttpClient defaultClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public HttpClient client() {
        return http;
    }

    /**
     * Sends, retrying transient failures; the last answer is returned whatever its status.
     *
     * @param signer signs each attempt
     * @throws ApiException status 0 when every attempt failed without an answer
     */
    public HttpResponse<byte[]> send(Call call, RequestSigner signer) throws InterruptedException {
        IOException lastFailure = null;
        HttpResponse<byte[]> last = null;
        for (int attempt = 0; attempt < retry.attempts(); attempt++) {
            if (attempt > 0) {
                Thread.sleep(retry.backoff().pause(attempt));
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(call.uri()).timeout(call.timeout())
                    .method(call.method(), call.publisher());
            call.headers().forEach(request::header);
            signer.headers(call.method(), call.uri(), call.body()).forEach(request::header);
            try {
                last = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                lastFailure = e;
                continue;
            }
            if (last.statusCode() != 429 && last.statusCode() < 500) {
                return last;
            }
        }
        if (last != null) {
            return last;
        }
        throw new ApiException(0, "unreachable", call.method() + " " + withoutQuery(call.uri()) + " failed after "
                + retry.attempts() + " attempts: " + describe(lastFailure), null);
    }

    /** Presigned URLs carry credentials in their query: never print it. */
    static String withoutQuery(URI uri) {
        String text = uri.toString();
        int q = text.indexOf('?');
        return q < 0 ? text : text.substring(0, q);
    }

    private static String describe(IOException e) {
        if (e == null) {
            return "no answer";
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : " (" + message + ")");
    }
}
