package dev.bakery.functions.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real docker-registry on a free 127.0.0.1 port, storage in a temp dir; close() stops it and
 * deletes the dir.
 *
 * <p>Runs the Debian {@code docker-registry} binary (distribution 2.8) with a config written here,
 * because the packaged config listens on all interfaces and wants an htpasswd file.
 */
public final class LoopbackRegistry implements AutoCloseable {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(15);
    // The port is only reserved until we close the probe socket; another process may grab it.
    private static final int PORT_ATTEMPTS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Process process;
    private final int port;

    private LoopbackRegistry(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /** A registry that lets anyone push and pull. */
    public static LoopbackRegistry start() {
        return launch(dir -> "");
    }

    /** A registry that answers 401 {@code Basic realm=...} unless the request carries these credentials. */
    public static LoopbackRegistry startWithBasicAuth(String user, String password) {
        String realm = "bakery-loopback";
        return launch(
                dir -> {
                    Path file = Files.writeString(dir.resolve("htpasswd"), bcryptEntry(user, password));
                    return "auth:\n  htpasswd:\n    realm: " + q(realm) + "\n    path: " + q(file.toString()) + "\n";
                });
    }

    /** A registry that accepts only bearer tokens signed by {@code tokens}. */
    public static LoopbackRegistry startWithTokenAuth(TokenServer tokens) {
        String auth =
                "auth:\n  token:\n"
                        + "    realm: " + q(tokens.realm().toString()) + "\n"
                        + "    service: " + q(tokens.service()) + "\n"
                        + "    issuer: " + q(tokens.issuer()) + "\n"
                        + "    rootcertbundle: " + q(tokens.rootCertBundle().toAbsolutePath().toString()) + "\n";
        return launch(dir -> auth);
    }

    /** {@code 127.0.0.1:PORT}, as it appears in image references. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** {@code http://127.0.0.1:PORT}. */
    public URI baseUri() {
        return URI.create("http://" + host());
    }

    @Override
    public void close() {
        try {
            stop(process);
        } finally {
            deleteRecursively(dir);
        }
    }

    /** Writes whatever the auth section needs into the temp dir and returns that YAML section. */
    private interface AuthSetup {
        String prepare(Path dir) throws IOException;
    }

    private static LoopbackRegistry launch(AuthSetup auth) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("loopback-registry-");
            String authYaml = auth.prepare(dir);
            for (int attempt = 1; ; attempt++) {
                int port = freePort();
                Path config = dir.resolve("config.yml");
                Files.writeString(config, config(dir, port, authYaml));
                Path log = dir.resolve("registry.log");
                Process process = spawn(dir, config, log);
                try {
                    awaitReady(process, port, log);
                    return new LoopbackRegistry(dir, process, port);
                } catch (RuntimeException e) {
                    stop(process);
                    if (attempt < PORT_ATTEMPTS && tail(log).contains("address already in use")) {
                        continue;
                    }
                    throw e;
                }
            }
        } catch (IOException e) {
            deleteRecursively(dir);
            throw new UncheckedIOException("cannot prepare docker-registry in " + dir, e);
        } catch (RuntimeException e) {
            deleteRecursively(dir);
            throw e;
        }
    }

    private static String config(Path dir, int port, String authYaml) {
        return "version: 0.1\n"
                + "log:\n  level: warn\n"
                + "storage:\n"
                + "  filesystem:\n    rootdirectory: " + q(dir.resolve("storage").toString()) + "\n"
                + "  delete:\n    enabled: true\n"
                + "http:\n"
                + "  addr: " + q("127.0.0.1:" + port) + "\n"
                // Without a secret the registry logs a warning and invents one; be explicit instead.
                + "  secret: " + q(UUID.randomUUID().toString()) + "\n"
                + authYaml;
    }

    private static Process spawn(Path dir, Path config, Path log) throws IOException {
        ProcessBuilder builder =
                new ProcessBuilder("docker-registry", "serve", config.toString())
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        try {
            return builder.start();
        } catch (IOException e) {
            if (!onPath("docker-registry")) {
                // Tests relying on a real registry must fail loudly, never skip silently.
                throw new IllegalStateException(
                        "docker-registry is not installed: apt-get install docker-registry", e);
            }
            throw e;
        }
    }

    private static void awaitReady(Process process, int port, Path log) {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        HttpRequest ping =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/"))
                        .timeout(Duration.ofSeconds(2))
                        .GET()
                        .build();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "docker-registry exited with " + process.exitValue() + " before answering:\n" + tail(log));
            }
            try {
                int status = client.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode();
                // 401 is "up" too: an auth-protected registry challenges /v2/.
                if (status == 200 || status == 401) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for docker-registry", e);
            }
            sleep(50);
        }
        throw new IllegalStateException(
                "docker-registry did not answer /v2/ on port " + port + " within " + STARTUP_TIMEOUT + ":\n"
                        + tail(log));
    }

    private static String bcryptEntry(String user, String password) throws IOException {
        // Registry 2.8 only accepts bcrypt entries, hence -B.
        Process p;
        try {
            p = new ProcessBuilder("htpasswd", "-Bbn", user, password).redirectErrorStream(true).start();
        } catch (IOException e) {
            if (!onPath("htpasswd")) {
                throw new IllegalStateException(
                        "htpasswd is not installed: apt-get install apache2-utils", e);
            }
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IllegalStateException("htpasswd failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running htpasswd", e);
        }
        return out.strip() + "\n";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void stop(Process process) {
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

    private static boolean onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String entry : path.split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, command))) {
                return true;
            }
        }
        return false;
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            List<Path> all = new ArrayList<>(paths.toList());
            all.sort(Comparator.reverseOrder()); // children before parents
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for docker-registry", e);
        }
    }

    /** A YAML double-quoted scalar; JSON string syntax is a subset of it. */
    private static String q(String value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
