package dev.bakery.security.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.testing.BakeryJars;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The context archive holds the whole upload (a repository's files, whatever they hold) in
 * {@code /tmp}: the CLI is stopped while it exists, as a cancelled CI job or Ctrl-C stops it, and the
 * archive must not stay behind. The CLI jar runs as a process with its own {@code java.io.tmpdir},
 * and is signalled as soon as the archive appears: while it packs a large context or uploads it to
 * an API that accepts the connection and never answers.
 */
class TempArchiveTest {

    @TempDir
    Path work;

    private ServerSocket silent;
    private final List<Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void silentApi() throws IOException {
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!silent.isClosed()) {
                try {
                    held.add(silent.accept()); // read nothing, answer nothing
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void close() throws IOException {
        silent.close();
        for (Socket socket : held) {
            socket.close();
        }
    }

    @Test
    void sigintMidUploadLeavesNoArchiveBehind() throws Exception {
        assertNoArchiveAfter("INT", 130);
    }

    @Test
    void sigtermMidUploadLeavesNoArchiveBehind() throws Exception {
        assertNoArchiveAfter("TERM", 143);
    }

    @Test
    void aFailedUploadLeavesNoArchiveBehind() throws Exception {
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        silent.close(); // nothing listens: the upload fails at once
        Process cli = cli(tmp, repo());
        assertThat(cli.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(cli.exitValue()).as(output()).isEqualTo(3);
        assertThat(archives(tmp)).isEmpty();
    }

    private void assertNoArchiveAfter(String signal, int exit) throws Exception {
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        Process cli = cli(tmp, repo());
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (archives(tmp).isEmpty()) { // packing, then uploading to an API that never answers
            assertThat(cli.isAlive()).as(output()).isTrue();
            assertThat(System.nanoTime()).as("the CLI started packing").isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(archives(tmp)).as("the archive exists while the CLI runs").hasSize(1);
        assertThat(cli.isAlive()).isTrue();

        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(cli.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();

        assertThat(cli.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(cli.exitValue()).as(output()).isEqualTo(exit);
        assertThat(archives(tmp)).as(output()).isEmpty();
    }

    /** A repository of 32 MiB of incompressible bytes (a second of packing) beside its config and Dockerfile. */
    private Path repo() throws IOException {
        Path repo = Files.createDirectories(work.resolve("repo"));
        Files.writeString(repo.resolve("bakery.yaml"), "global:\n  kaniko:\n    destination: registry.example.com/a:1\n"
                + "bake:\n- arch: amd64\n");
        Files.writeString(repo.resolve("Dockerfile"), "FROM scratch\nCOPY data /data\n");
        byte[] data = new byte[32 << 20];
        new java.util.Random(17).nextBytes(data);
        Files.write(repo.resolve("data"), data);
        return repo;
    }

    /**
     * {@code bakery build --endpoint local} with signals at their defaults (a test runner may have
     * started us with SIGINT ignored), against an endpoint file that names the silent API.
     */
    private Process cli(Path tmp, Path repo) throws IOException {
        Path local = Files.createDirectories(work.resolve("local"));
        Files.writeString(local.resolve("endpoint.json"), """
                {"rest": "http://127.0.0.1:%d", "region": "us-east-1",
                 "credentials": {"accessKeyId": "AKIDLOCAL", "secretAccessKey": "local-secret"}}
                """.formatted(silent.getLocalPort()));
        ProcessBuilder builder = new ProcessBuilder("env", "--default-signal=INT,TERM", BakeryJars.java(),
                "-Djava.io.tmpdir=" + tmp, "-jar", BakeryJars.CLI.toString(), "build", "--config",
                repo.resolve("bakery.yaml").toString(), "--repo", repo.toString(), "--endpoint", "local")
                .redirectErrorStream(true).redirectOutput(work.resolve("cli.log").toFile());
        builder.environment().put("BAKERY_LOCAL_DIR", local.toString());
        return builder.start();
    }

    private String output() throws IOException {
        return Files.readString(work.resolve("cli.log"), StandardCharsets.UTF_8);
    }

    private static List<Path> archives(Path tmp) throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(f -> f.getFileName().toString().startsWith("bakery-context-")).toList();
        }
    }
}
