package dev.bakery.emulators;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

/**
 * dynalite (npm, Apache-2.0), the open-source DynamoDB engine: a child {@code node} process, in memory
 * or on LevelDB, listening on a free 127.0.0.1 port or on a Unix socket. It checks that requests
 * carry a well-formed signature, not that it is right, so anyone who reaches its port can write:
 * the TCP forms are for tests; the local mode uses {@link #onUnixSocket} in a directory only its
 * owner may enter, behind a front that checks signatures. It has no transactions and no Streams
 * (docs/architecture.md, section Data). The child ends with this JVM, even one killed with -9
 * ({@code dynalite-child.js} exits when its stdin closes). close() stops it.
 */
public final class DynamoDbEmulator implements AutoCloseable {

    /** What the clients sign for; dynalite serves any region. */
    public static final Region REGION = Region.US_EAST_1;
    private static final String INSTALL = "run `./mvnw -pl emulators generate-resources` (npm ci of"
            + " emulators/src/main/node into emulators/target/dynalite) or set BAKERY_DYNALITE_HOME";
    private static final long START_SECONDS = 30;

    private final Process process;
    private final URI endpoint;
    private final Path socket;

    private DynamoDbEmulator(Process process, URI endpoint, Path socket) {
        this.process = process;
        this.endpoint = endpoint;
        this.socket = socket;
    }

    /** Tables in memory, gone at close(), on a free loopback port. */
    public static DynamoDbEmulator inMemory() {
        return onPort(null);
    }

    /** Tables in LevelDB under {@code directory} (created if need be), kept after close(), on a free loopback port. */
    public static DynamoDbEmulator onDisk(Path directory) {
        return onPort(directory);
    }

    /**
     * Tables in LevelDB under {@code directory}, served on the Unix socket {@code socket} only: whoever
     * cannot enter the socket's directory cannot reach the store.
     */
    public static DynamoDbEmulator onUnixSocket(Path socket, Path directory) {
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the stale socket " + socket, e);
        }
        return start(List.of("--port", socket.toString()), directory, null, socket);
    }

    private static DynamoDbEmulator onPort(Path directory) {
        int port = freePort();
        return start(List.of("--host", "127.0.0.1", "--port", Integer.toString(port)), directory,
                URI.create("http://127.0.0.1:" + port), null);
    }

    private static DynamoDbEmulator start(List<String> listen, Path directory, URI endpoint, Path socket) {
        Path home = home();
        List<String> command = new ArrayList<>(List.of(node(), home.resolve("dynalite-child.js").toString(),
                "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"));
        command.addAll(listen);
        String where = directory == null ? "in memory" : "in " + directory;
        try {
            if (directory != null) {
                Files.createDirectories(directory);
                command.addAll(List.of("--path", directory.toString()));
            }
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            CompletableFuture<String> listening = new CompletableFuture<>();
            StringBuilder output = new StringBuilder();
            Thread.ofPlatform().name("dynalite-output").daemon().start(() -> relay(process, listening, output));
            try {
                listening.get(START_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                process.destroyForcibly();
                throw new IllegalStateException("dynalite did not start " + where + " within " + START_SECONDS + " s: "
                        + output.toString().strip());
            }
            return new DynamoDbEmulator(process, endpoint, socket);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start dynalite " + where + " (" + e.getMessage() + "): " + INSTALL, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting dynalite", e);
        }
    }

    /** Completes {@code listening} at dynalite's "listening" line; keeps what it printed for errors. */
    private static void relay(Process process, CompletableFuture<String> listening, StringBuilder output) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.startsWith("Dynalite listening")) {
                    listening.complete(line);
                } else if (!listening.isDone()) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                }
            }
        } catch (IOException e) {
            // the process ended; waitFor() tells the rest
        }
        listening.completeExceptionally(new IllegalStateException("dynalite exited"));
    }

    /** {@code BAKERY_DYNALITE_HOME}, else {@code dynalite} next to this class's jar or classes directory. */
    private static Path home() {
        String configured = System.getenv("BAKERY_DYNALITE_HOME");
        Path home;
        if (configured != null && !configured.isBlank()) {
            home = Path.of(configured);
        } else {
            try {
                home = Path.of(DynamoDbEmulator.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                        .getParent().resolve("dynalite");
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException("cannot tell where " + DynamoDbEmulator.class + " was loaded from", e);
            }
        }
        if (!Files.isRegularFile(home.resolve("node_modules/dynalite/cli.js"))) {
            throw new IllegalStateException("dynalite is not installed in " + home + ": " + INSTALL + ".");
        }
        return home;
    }

    /** {@code BAKERY_NODE}, else {@code node} on the PATH (dynalite runs on Node 20). */
    private static String node() {
        String configured = System.getenv("BAKERY_NODE");
        return configured == null || configured.isBlank() ? "node" : configured;
    }

    private static int freePort() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    /** The HTTP endpoint on loopback; null for {@link #onUnixSocket}. */
    public URI endpoint() {
        return endpoint;
    }

    /** The Unix socket it serves; null for the loopback forms. */
    public Path socket() {
        return socket;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** A new client of this server on loopback, which the caller closes. */
    public DynamoDbClient client(AwsCredentialsProvider credentials) {
        return client(endpoint, credentials);
    }

    /** A new client of a DynamoDB endpoint on loopback (dynalite, or a front of it), which the caller closes. */
    public static DynamoDbClient client(URI endpoint, AwsCredentialsProvider credentials) {
        return DynamoDbClient.builder().endpointOverride(endpoint).region(REGION)
                .httpClient(UrlConnectionHttpClient.create()).credentialsProvider(credentials).build();
    }

    /** Creates the table unless one of its name exists (kept from an earlier run on disk). */
    public static void createTableIfMissing(DynamoDbClient client, CreateTableRequest table) {
        if (!client.listTables().tableNames().contains(table.tableName())) {
            client.createTable(table);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (socket != null) {
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                // a later start removes it
            }
        }
    }
}
