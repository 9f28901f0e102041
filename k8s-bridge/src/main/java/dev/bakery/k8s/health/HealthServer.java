package dev.bakery.k8s.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/** {@code GET /healthz} for the Deployment's liveness probe: 200 while the bridge is healthy, 503 when not. */
public final class HealthServer implements AutoCloseable {

    private final HttpServer server;

    public HealthServer(InetSocketAddress address, BooleanSupplier healthy) throws IOException {
        server = HttpServer.create(address, 0);
        server.createContext("/healthz", exchange -> answer(exchange, healthy.getAsBoolean()));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, boolean healthy) throws IOException {
        try (exchange) {
            byte[] body = (healthy ? "ok\n" : "the activity poller is stuck\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(healthy ? 200 : 503, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
