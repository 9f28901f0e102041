package dev.bakery.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bakery.testing.Await;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bakery-local killed with -9 while a build runs, then started again on the same data dir: the
 * real command in its own JVM (the real state machine, an agent with buildah, docker-registry on a
 * fixed port), killed for real. Needs root, buildah, docker-registry and busybox (.ci/run installs them).
 */
class RestartAfterKillTest {

    private static final Pattern READY = Pattern.compile("bakery-local is ready: REST (\\S+),");

    @TempDir
    Path temp;

    @Test
    void aRestartEndsWhatTheDeadRunLeftFailsItsRunningBuildCleansItsFilesAndKeepsFinishedBuilds() throws Exception {
        Path dataDir = temp.resolve("data");
        int registryPort = Ports.claim(0, new UserError("no free port"));
        Path output = temp.resolve("first.log");
        Process first = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--data-dir", dataDir.toString(),
                "--port", "0", "--registry-port", Integer.toString(registryPort))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            awaitReady(first, output);
            Harness client = Harness.client(dataDir);
            String registry = "127.0.0.1:" + registryPort;

            // A finished build, which must stay listed.
            String finished = client.submit(client.upload(Harness.archive(Map.of("Dockerfile", "FROM scratch\n"), false)),
                    "bake: [{arch: amd64, kaniko: {destination: \"" + registry + "/kill/done:1\"}}]");
            assertThat(client.call("DELETE", "/builds/" + finished, null).status()).isEqualTo(200);

            // A build that runs until killed, with an inline password (a secret file) and a workspace.
            String running = client.submit(client.upload(Harness.archive(Map.of("Dockerfile", """
                    FROM scratch
                    COPY busybox /bin/busybox
                    RUN ["/bin/busybox", "sleep", "600"]
                    """), true)), """
                    global:
                      kaniko-credentials: [{registry: "%s", username: someone, password: s3cret-pw}]
                    bake: [{arch: amd64, kaniko: {destination: "%s/kill/app:1"}}]
                    """.formatted(registry, registry));
            Await.until(Duration.ofSeconds(120), () -> taskStatus(client, running).equals("RUNNING"),
                    "the agent of " + running + " to start");
            assertThat(filesUnder(dataDir.resolve("secrets"))).isNotEmpty();
            Path workspace = dataDir.resolve("tasks").resolve(running);
            Await.until(Duration.ofSeconds(60), () -> !filesUnder(workspace).isEmpty(), "the context in " + workspace);

            List<ProcessHandle> children = first.toHandle().descendants().toList();
            first.toHandle().destroyForcibly(); // SIGKILL: no shutdown hook runs
            first.waitFor();
            List<ProcessHandle> orphans = children.stream().filter(ProcessHandle::isAlive).toList();
            // What made a restart fail before: the registry on its port, and the agent building on.
            assertThat(orphans).extracting(p -> p.info().command().orElse("")).anyMatch(c -> c.endsWith("docker-registry"))
                    .anyMatch(c -> c.endsWith("java"));

            try (LocalServer second = LocalServer.start(new LocalServer.Config(dataDir, 0, null, registryPort),
                    tasks -> (name, input) -> {
                        throw new UnsupportedOperationException("nothing is submitted after the restart");
                    })) {
                assertThat(second.registry()).isEqualTo(registry);
                assertThat(orphans).noneMatch(ProcessHandle::isAlive);

                Harness again = Harness.client(dataDir);
                JsonNode failed = again.call("GET", "/builds/" + running, null).json();
                assertThat(failed.path("status").asText()).isEqualTo("FAILED");
                assertThat(failed.path("error").asText()).contains("the control plane (bakery-local) stopped");
                assertThat(failed.path("tasks").get(0).path("status").asText()).isEqualTo("CANCELLED");
                assertThat(workspace).doesNotExist();
                assertThat(filesUnder(dataDir.resolve("secrets"))).isEmpty();
                JsonNode listed = again.call("GET", "/builds", null).json().path("builds");
                assertThat(listed.findValuesAsText("buildId")).contains(running, finished);
                assertThat(again.call("GET", "/builds/" + finished, null).json().path("status").asText())
                        .isEqualTo("CANCELLED");
            }
        } finally {
            first.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            first.destroyForcibly();
        }
    }

    private static String awaitReady(Process process, Path output) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher ready = READY.matcher(Files.readString(output, StandardCharsets.UTF_8));
            if (ready.find()) {
                return ready.group(1);
            }
            if (!process.isAlive()) {
                break;
            }
            sleep();
        }
        throw new AssertionError("bakery-local did not start: " + Files.readString(output, StandardCharsets.UTF_8));
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String taskStatus(Harness client, String buildId) {
        try {
            return client.call("GET", "/builds/" + buildId, null).json().path("tasks").path(0).path("status").asText();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> filesUnder(Path directory) {
        if (!Files.exists(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
