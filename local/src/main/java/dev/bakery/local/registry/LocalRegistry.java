package dev.bakery.local.registry;

import dev.bakery.local.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A {@code docker-registry} (distribution 2.8, Debian's package) on 127.0.0.1, storing under a
 * directory, stopped by {@link #close}. Its config is written here: the packaged one listens on every
 * interface and wants an htpasswd file.
 */
public final class LocalRegistry implements AutoCloseable {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(15);

    private final Process process;
    private final int port;

    private LocalRegistry(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts one on {@code port} with its storage and config under {@code directory}.
     *
     * @param executable {@code docker-registry}, or a path to it
     */
    public static LocalRegistry start(String executable, Path directory, int port) {
        Path log = directory.resolve("registry.log");
        // Checked first: another server on the port would answer the readiness probe in its place.
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            probe.setReuseAddress(true);
        } catch (IOException taken) {
            throw portTaken(port);
        }
        Process process;
        try {
            Files.createDirectories(directory);
            Path config = Files.writeString(directory.resolve("config.yml"), config(directory.resolve("storage"), port));
            process = new ProcessBuilder(executable, "serve", config.toString()).directory(directory.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start docker-registry in " + directory + ": " + e.getMessage(), e);
        }
        LocalRegistry registry = new LocalRegistry(process, port);
        try {
            registry.awaitReady(log);
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    private static UserError portTaken(int port) {
        return new UserError("port " + port + " for the local registry is taken: pass --registry-port N, "
                + "or --registry HOST:PORT to use a registry that is already running");
    }

    /** {@code 127.0.0.1:PORT}, as it appears in image references. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    private static String config(Path storage, int port) {
        return "version: 0.1\n"
                + "log:\n  level: warn\n"
                + "storage:\n"
                + "  filesystem:\n    rootdirectory: " + quoted(storage.toString()) + "\n"
                + "  delete:\n    enabled: true\n"
                + "http:\n"
                + "  addr: " + quoted("127.0.0.1:" + port) + "\n"
                // Without a secret the registry warns and invents one on every start.
                + "  secret: " + quoted(UUID.randomUUID().toString()) + "\n";
    }

    private void awaitReady(Path log) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        HttpRequest ping = HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/")).timeout(Duration.ofSeconds(2))
                .GET().build();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String output = tail(log);
                if (output.contains("address already in use")) {
                    throw portTaken(port);
                }
                throw new IllegalStateException("docker-registry exited with " + process.exitValue() + ": " + output);
            }
            try {
                if (client.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for docker-registry", e);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for docker-registry", e);
            }
        }
        throw new IllegalStateException("docker-registry did not answer on " + host() + " within " + STARTUP_TIMEOUT
                + ": " + tail(log));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            return "(no output)";
        }
    }

    /** A YAML double-quoted scalar. */
    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
