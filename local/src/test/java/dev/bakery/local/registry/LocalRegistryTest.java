package dev.bakery.local.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bakery.local.Ports;
import dev.bakery.local.UserError;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real docker-registry, started on loopback with storage in the data dir and stopped again. */
class LocalRegistryTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private int ping(String host) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void startsOnLoopbackStoresUnderItsDirectoryAndStops() throws Exception {
        int port = Ports.claim(0, new UserError("no free port"));
        String host;
        try (LocalRegistry registry = LocalRegistry.start("docker-registry", dir, port)) {
            host = registry.host();
            assertThat(host).isEqualTo("127.0.0.1:" + port);
            assertThat(ping(host)).isEqualTo(200);
            assertThat(Files.readString(dir.resolve("config.yml"))).contains("addr: \"127.0.0.1:" + port + "\"")
                    .contains("rootdirectory: \"" + dir.resolve("storage") + "\"");
        }
        assertThatThrownBy(() -> ping(host)).isInstanceOf(ConnectException.class);
    }

    @Test
    void aTakenPortIsOneSentence() throws Exception {
        int port = Ports.claim(0, new UserError("no free port"));
        try (LocalRegistry first = LocalRegistry.start("docker-registry", dir.resolve("a"), port)) {
            assertThatThrownBy(() -> LocalRegistry.start("docker-registry", dir.resolve("b"), port))
                    .isInstanceOf(UserError.class)
                    .hasMessage("port " + port + " for the local registry is taken: pass --registry-port N, "
                            + "or --registry HOST:PORT to use a registry that is already running");
            assertThat(ping(first.host())).isEqualTo(200);
        }
    }
}
