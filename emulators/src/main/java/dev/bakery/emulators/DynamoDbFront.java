package dev.bakery.emulators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An HTTP front of dynalite on 127.0.0.1 that does what dynalite does not:
 * <ul>
 * <li>it refuses requests its {@link Guard} refuses (the local mode checks the SigV4 signature with
 * the run's keys there; dynalite only checks that one is present), so that dynalite itself can
 * listen on a Unix socket nobody else may reach;</li>
 * <li>it reports every item a PutItem, UpdateItem or DeleteItem changed, with its old and new
 * image, in the order the writes happened: what a DynamoDB stream (NEW_AND_OLD_IMAGES) carries,
 * which dynalite lacks. Writes are serialized for that, and the images are read from dynalite
 * (consistent GetItem, straight on its socket) before and after each write. BatchWriteItem is passed through unreported:
 * the table uses it only to remove subscriptions, which concern no listener.</li>
 * </ul>
 * close() stops the front, not dynalite.
 */
public final class DynamoDbFront implements AutoCloseable {

    /** Decides whether a request may reach the store. */
    @FunctionalInterface
    public interface Guard {
        /** @return why the request is refused, or empty to let it through */
        Optional<String> refuse(String method, URI uri, Map<String, List<String>> headers, byte[] body);
    }

    /**
     * One item changed by one write.
     *
     * @param eventName INSERT, MODIFY or REMOVE, as in a stream record
     * @param oldImage  the item before (empty for an INSERT)
     * @param newImage  the item after (empty for a REMOVE)
     */
    public record ItemChange(String table, String eventName, Map<String, AttributeValue> oldImage,
            Map<String, AttributeValue> newImage) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TARGET_PREFIX = "DynamoDB_20120810.";
    private static final Set<String> REPORTED = Set.of("PutItem", "UpdateItem", "DeleteItem");
    /** Headers that describe this hop's connection, not the request. */
    private static final Set<String> HOP = Set.of("host", "connection", "content-length", "transfer-encoding", "keep-alive");

    private final SocketAddress upstream;
    private final Guard guard;
    private final Set<String> keyAttributes;
    private final Consumer<ItemChange> listener;
    private final HttpServer server;
    private final ExecutorService threads;
    private final URI endpoint;
    private final Object writes = new Object();

    private DynamoDbFront(SocketAddress upstream, Guard guard, Set<String> keyAttributes, Consumer<ItemChange> listener)
            throws IOException {
        this.upstream = upstream;
        this.guard = guard;
        this.keyAttributes = Set.copyOf(keyAttributes);
        this.listener = listener;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        threads = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
        endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /**
     * @param dynalite      the engine it fronts
     * @param guard         what may pass
     * @param keyAttributes the key attribute names of the tables whose changes are reported
     * @param listener      told each change, in order, while the next write waits: keep it quick
     */
    public static DynamoDbFront start(DynamoDbEmulator dynalite, Guard guard, Set<String> keyAttributes,
            Consumer<ItemChange> listener) {
        SocketAddress upstream = dynalite.socket() != null ? UnixDomainSocketAddress.of(dynalite.socket())
                : new InetSocketAddress(dynalite.endpoint().getHost(), dynalite.endpoint().getPort());
        try {
            return new DynamoDbFront(upstream, guard, keyAttributes, listener);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the DynamoDB front on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                serve(exchange);
            } catch (IOException | RuntimeException e) {
                // The client sees a DynamoDB 500 it may retry, never a dropped connection.
                reply(exchange, new Response(500, Map.of("Content-Type", "application/x-amz-json-1.0"), JSON.writeValueAsBytes(
                        Map.of("__type", "com.amazonaws.dynamodb.v20120810#InternalServerError", "message", "store front: " + e))));
            }
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
        URI uri = URI.create("http://" + first(headers, "host") + exchange.getRequestURI());
        Optional<String> refusal = guard.refuse(exchange.getRequestMethod(), uri, headers, body);
        if (refusal.isPresent()) {
            reply(exchange, new Response(403, Map.of("Content-Type", "application/x-amz-json-1.0"),
                    JSON.writeValueAsBytes(Map.of("__type", "com.amazon.coral.service#UnrecognizedClientException",
                            "message", refusal.get()))));
            return;
        }
        String target = first(headers, "x-amz-target");
        String operation = target != null && target.startsWith(TARGET_PREFIX) ? target.substring(TARGET_PREFIX.length()) : "";
        if (listener == null || !REPORTED.contains(operation)) {
            reply(exchange, forward(exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers, body));
            return;
        }
        JsonNode request = JSON.readTree(body);
        String table = request.path("TableName").asText();
        byte[] read = JSON.writeValueAsBytes(JSON.createObjectNode().put("TableName", table).put("ConsistentRead", true)
                .set("Key", key(operation.equals("PutItem") ? request.path("Item") : request.path("Key"))));
        Map<String, List<String>> readHeaders = new LinkedHashMap<>(headers);
        readHeaders.put("x-amz-target", List.of(TARGET_PREFIX + "GetItem"));
        Response response;
        synchronized (writes) {
            Optional<JsonNode> before = image(readHeaders, read);
            response = forward(exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers, body);
            if (response.status() == 200 && before.isPresent()) {
                JsonNode old = before.get();
                JsonNode after = image(readHeaders, read).orElseThrow(() -> new IOException("dynalite cannot read back "
                        + "an item it just wrote"));
                String event = old.isEmpty() ? (after.isEmpty() ? null : "INSERT") : after.isEmpty() ? "REMOVE" : "MODIFY";
                if (event != null && !old.equals(after)) {
                    listener.accept(new ItemChange(table, event, DynamoJson.item(old), DynamoJson.item(after)));
                }
            }
        }
        reply(exchange, response);
    }

    /** The key attributes of an item or key, in DynamoDB's JSON. */
    private ObjectNode key(JsonNode item) {
        ObjectNode key = JSON.createObjectNode();
        for (String name : keyAttributes) {
            if (item.has(name)) {
                key.set(name, item.get(name));
            }
        }
        return key;
    }

    /**
     * The item as it is (an empty object: none), read straight from dynalite with the write's own
     * headers; empty when it cannot be read (no such table, a malformed key: the write itself fails
     * the same way, and dynalite's answer to it says why).
     */
    private Optional<JsonNode> image(Map<String, List<String>> headers, byte[] read) throws IOException {
        Response response = forward("POST", "/", headers, read);
        if (response.status() != 200) {
            return Optional.empty();
        }
        JsonNode item = JSON.readTree(response.body()).path("Item");
        return Optional.of(item.isObject() ? item : JSON.createObjectNode());
    }

    private record Response(int status, Map<String, String> headers, byte[] body) {
    }

    /** One HTTP/1.1 exchange with dynalite on a fresh connection (it may be a Unix socket, which java.net.http cannot use). */
    private Response forward(String method, String path, Map<String, List<String>> headers, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        head.append("Host: localhost\r\nConnection: close\r\nContent-Length: ").append(body.length).append("\r\n");
        headers.forEach((name, values) -> {
            if (!HOP.contains(name)) {
                values.forEach(value -> head.append(name).append(": ").append(value).append("\r\n"));
            }
        });
        head.append("\r\n");
        try (SocketChannel channel = SocketChannel.open(upstream)) {
            channel.write(ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.ISO_8859_1)));
            channel.write(ByteBuffer.wrap(body));
            return parse(Channels.newInputStream(channel));
        }
    }

    private static Response parse(InputStream in) throws IOException {
        byte[] raw = in.readAllBytes();
        int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        if (end < 0) {
            throw new IOException("dynalite answered no complete HTTP response");
        }
        String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            String name = lines[i].substring(0, colon).trim();
            if (!HOP.contains(name.toLowerCase(Locale.ROOT))) {
                headers.put(name, lines[i].substring(colon + 1).trim());
            }
        }
        byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        return new Response(status, headers, body);
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void reply(HttpExchange exchange, Response response) throws IOException {
        response.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(response.body());
        }
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
