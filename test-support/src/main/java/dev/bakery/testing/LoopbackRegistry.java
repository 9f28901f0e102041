package dev.bakery.testing;

import static dev.bakery.emulators.RegistryEmulator.quoted;

import dev.bakery.emulators.RegistryEmulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real docker-registry ({@link RegistryEmulator}) on a free 127.0.0.1 port, storage in a temp dir,
 * open or with basic or token auth; close() stops it and deletes the dir.
 */
public final class LoopbackRegistry implements AutoCloseable {

    // The port is only reserved until we close the probe socket; another process may grab it.
    private static final int PORT_ATTEMPTS = 3;

    private final Path dir;
    private final RegistryEmulator registry;

    private LoopbackRegistry(Path dir, RegistryEmulator registry) {
        this.dir = dir;
        this.registry = registry;
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
                    return "auth:\n  htpasswd:\n    realm: " + quoted(realm) + "\n    path: " + quoted(file.toString()) + "\n";
                });
    }

    /** A registry that accepts only bearer tokens signed by {@code tokens}. */
    public static LoopbackRegistry startWithTokenAuth(TokenServer tokens) {
        String auth =
                "auth:\n  token:\n"
                        + "    realm: " + quoted(tokens.realm().toString()) + "\n"
                        + "    service: " + quoted(tokens.service()) + "\n"
                        + "    issuer: " + quoted(tokens.issuer()) + "\n"
                        + "    rootcertbundle: " + quoted(tokens.rootCertBundle().toAbsolutePath().toString()) + "\n";
        return launch(dir -> auth);
    }

    /** {@code 127.0.0.1:PORT}, as it appears in image references. */
    public String host() {
        return registry.host();
    }

    /** {@code http://127.0.0.1:PORT}. */
    public URI baseUri() {
        return URI.create("http://" + host());
    }

    @Override
    public void close() {
        try {
            registry.close();
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
                try {
                    return new LoopbackRegistry(dir, RegistryEmulator.start(dir, freePort(), authYaml));
                } catch (RegistryEmulator.PortTakenException e) {
                    if (attempt == PORT_ATTEMPTS) {
                        throw e;
                    }
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

    private static boolean onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String entry : path.split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, command))) {
                return true;
            }
        }
        return false;
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
}
