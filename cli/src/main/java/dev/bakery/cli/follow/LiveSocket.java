package dev.bakery.cli.follow;

import dev.bakery.cli.api.RequestSigner;
import dev.bakery.core.live.LiveMessage;
import dev.bakery.core.live.LiveMessages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One connection to the WebSocket API: the connect request signed like a REST call, text frames
 * (possibly split in parts) read back as {@link LiveMessage}s, and the end of the connection as one
 * last {@link Event.Closed}, all in a queue the follower reads at its own pace.
 */
final class LiveSocket implements WebSocket.Listener {

    /** What the socket delivers. */
    sealed interface Event {
        record Message(LiveMessage message) implements Event {
        }

        record Closed(String why) implements Event {
        }

        /** The answer to {@link #ping()}: the connection is alive. */
        record Pong() implements Event {
        }
    }

    private static final byte[] PING = "bakery".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;

    private LiveSocket() {
    }

    /** @throws java.io.IOException when the connection or its upgrade is refused or times out */
    static LiveSocket open(HttpClient http, URI uri, RequestSigner signer, Duration timeout)
            throws java.io.IOException, InterruptedException {
        LiveSocket live = new LiveSocket();
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(timeout);
        signer.headers("GET", uri, new byte[0]).forEach(builder::header);
        try {
            live.socket = builder.buildAsync(uri, live).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new java.io.IOException(describe(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new java.io.IOException("no answer from " + uri + " within " + timeout.toSeconds() + " s", e);
        }
        return live;
    }

    void send(String text) {
        socket.sendText(text, true);
    }

    /** Asks the server for a pong, to tell a quiet connection from a dead one. */
    void ping() {
        socket.sendPing(ByteBuffer.wrap(PING)).exceptionally(e -> null);
    }

    /** The next event, or null when none came within {@code wait}. */
    Event next(Duration wait) throws InterruptedException {
        return events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes politely, without waiting for the server's answer. */
    void close() {
        WebSocket s = socket;
        if (s != null && !s.isOutputClosed()) {
            s.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
        }
        if (s != null) {
            s.abort();
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            try {
                events.add(new Event.Message(LiveMessages.read(text)));
            } catch (IllegalArgumentException unknown) {
                // A message type this CLI does not know yet: newer servers may add some.
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        events.add(new Event.Pong());
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        events.add(new Event.Closed("closed by the server (" + statusCode + (reason == null || reason.isBlank() ? "" : " " + reason) + ")"));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        events.add(new Event.Closed(describe(error)));
    }

    private static String describe(Throwable e) {
        if (e instanceof java.net.http.WebSocketHandshakeException refused) {
            return "the upgrade was answered HTTP " + refused.getResponse().statusCode(); // 403: credentials or IAM policy
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
