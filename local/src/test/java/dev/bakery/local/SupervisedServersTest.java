package dev.bakery.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.testing.Await;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docker-registry and dynalite killed with -9 under a running bakery-local: both come back, and builds go on. */
class SupervisedServersTest {

    @TempDir
    Path dataDir;

    @Test
    void aKilledRegistryOrStoreIsStartedAgainAndTheNextBuildFindsThem() throws Exception {
        try (Harness local = Harness.withRegistry(dataDir)) {
            ProcessHandle registry = child("docker-registry").orElseThrow();
            ProcessHandle dynalite = child("dynalite-child.js").orElseThrow();
            registry.destroyForcibly();
            dynalite.destroyForcibly();
            registry.onExit().join();
            dynalite.onExit().join();

            Await.until(Duration.ofSeconds(30), () -> child("docker-registry").filter(p -> p.pid() != registry.pid())
                    .isPresent() && child("dynalite-child.js").filter(p -> p.pid() != dynalite.pid()).isPresent(),
                    "docker-registry and dynalite to run again");
            HttpClient http = HttpClient.newHttpClient();
            Await.until(Duration.ofSeconds(30), () -> {
                try {
                    return http.send(HttpRequest.newBuilder(URI.create("http://" + local.server.registry() + "/v2/")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() < 500;
                } catch (Exception notYet) {
                    return false;
                }
            }, "the registry to answer on " + local.server.registry());
            // dynalite's process is back before its socket is: wait until the store answers through the API.
            Await.until(Duration.ofSeconds(30), () -> {
                try {
                    return local.call("GET", "/builds", null).status() == 200;
                } catch (IOException | InterruptedException notYet) {
                    return false;
                }
            }, "the store to answer again");
            String buildId = local.submit(local.upload(Harness.archive(Map.of("Dockerfile", "FROM scratch\n"), false)),
                    "bake: [{arch: amd64, kaniko: {destination: \"" + local.server.registry() + "/app:1\"}}]");
            assertThat(local.call("GET", "/builds/" + buildId, null).json().path("status").asText()).isEqualTo("QUEUED");
        }
    }

    /** This JVM's descendant whose command line mentions {@code name}. */
    private static Optional<ProcessHandle> child(String name) {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().orElse("").endsWith(name)
                        || Arrays.stream(p.info().arguments().orElse(new String[0])).anyMatch(a -> a.endsWith(name)))
                .findFirst();
    }
}
