package dev.bakery.emulators;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
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
 * A real {@code docker-registry} (distribution 2.8, Debian's package) on 127.0.0.1, with its config,
 * log and storage under a directory; close() stops it and leaves the directory. The config is written
 * here because the packaged one listens on every interface and wants an htpasswd file.
 */
public final class RegistryEmulator implements AutoCloseable {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(15);

    /** Another process holds the port. */
    public static final class PortTakenException extends IllegalStateException {
        private PortTakenException(int port) {
            super("port " + port + " on 127.0.0.1 is taken");
        }
    }

    private final Process process;
    private final int port;
    /** Where it listens instead of a port, or null. */
    private final Path socket;

    private RegistryEmulator(Process process, int port, Path socket) {
        this.process = process;
        this.port = port;
        this.socket = socket;
    }

    /**
     * Starts one on {@code port} with {@code config.yml}, {@code registry.log} and {@code storage/} in
     * {@code directory} (created if need be), and waits until it answers.
     *
     * @param extraConfig YAML sections appended to the config (an {@code auth:} section), or ""
     * @throws PortTakenException when the port is not free
     */
    public static RegistryEmulator start(Path directory, int port, String extraConfig) {
        // Checked first: another server on the port would answer the readiness probe in its place.
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            probe.setReuseAddress(true);
        } catch (IOException taken) {
            throw new PortTakenException(port);
        }
        return start(directory, port, null, "  addr: " + quoted("127.0.0.1:" + port) + "\n" + extraConfig);
    }

    /**
     * Starts one listening on the Unix socket {@code socket} only (its directory's permissions decide who
     * may connect), with relative URLs in its answers (a front on a port passes them on), and waits
     * until it answers there.
     */
    public static RegistryEmulator onUnixSocket(Path directory, Path socket) {
        try {
            Files.deleteIfExists(socket); // a dead run's
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the stale socket " + socket, e);
        }
        return start(directory, -1, socket, "  net: unix\n  addr: " + quoted(socket.toString()) + "\n  relativeurls: true\n");
    }

    private static RegistryEmulator start(Path directory, int port, Path socket, String listen) {
        Path log = directory.resolve("registry.log");
        Process process;
        try {
            Files.createDirectories(directory);
            Path config = Files.writeString(directory.resolve("config.yml"), config(directory.resolve("storage")) + listen);
            process = new ProcessBuilder("docker-registry", "serve", config.toString()).directory(directory.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            // Tests relying on a real registry fail loudly, never skip.
            throw new UncheckedIOException("cannot start docker-registry (apt-get install docker-registry) in "
                    + directory + ": " + e.getMessage(), e);
        }
        RegistryEmulator registry = new RegistryEmulator(process, port, socket);
        try {
            registry.awaitReady(log);
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    /** {@code 127.0.0.1:PORT}, as it appears in image references (of one that listens on a port). */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** A YAML double-quoted scalar (JSON string syntax is a subset of it), for {@code extraConfig}. */
    public static String quoted(String value) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(value)) + "\"";
    }

    /** Everything but where it listens: the {@code http:} section's other keys follow it. */
    private static String config(Path storage) {
        return "version: 0.1\n"
                + "log:\n  level: warn\n"
                + "storage:\n"
                + "  filesystem:\n    rootdirectory: " + quoted(storage.toString()) + "\n"
                + "  delete:\n    enabled: true\n"
                + "http:\n"
                // Without a secret the registry warns and invents one on every start.
                + "  secret: " + quoted(UUID.randomUUID().toString()) + "\n";
    }

    private void awaitReady(Path log) {
        HttpRequest ping = socket != null ? null : HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build()) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    String output = tail(log);
                    if (output.contains("address already in use")) {
                        throw new PortTakenException(port);
                    }
                    throw new IllegalStateException("docker-registry exited with " + process.exitValue() + ":\n" + output);
                }
                try {
                    int status = socket != null ? pingSocket() : client.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode();
                    // 401 is up too: a registry with auth challenges /v2/.
                    if (status == 200 || status == 401) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for docker-registry", e);
        }
        throw new IllegalStateException("docker-registry did not answer on " + host() + " within " + STARTUP_TIMEOUT
                + ":\n" + tail(log));
    }

    /** GET /v2/ on the socket (java.net.http cannot use one): the status code. */
    private int pingSocket() throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.write(ByteBuffer.wrap("GET /v2/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII)));
            String head = new String(Channels.newInputStream(channel).readNBytes(12), StandardCharsets.US_ASCII);
            return head.startsWith("HTTP/1.1 ") ? Integer.parseInt(head.substring(9, 12)) : -1;
        }
    }

    /** The Unix socket it listens on, or null when it listens on a port. */
    public Path socket() {
        return socket;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
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
