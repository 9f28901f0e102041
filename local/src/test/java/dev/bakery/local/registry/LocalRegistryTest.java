package dev.bakery.local.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bakery.emulators.RegistryEmulator;
import dev.bakery.local.Ports;
import dev.bakery.local.UserError;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local mode's docker-registry: a taken port is one sentence the user can act on. */
class LocalRegistryTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private int ping(String host) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aTakenPortIsOneSentence() throws Exception {
        int port = Ports.claim(0, new UserError("no free port"));
        try (RegistryEmulator first = LocalRegistry.start(dir.resolve("a"), port)) {
            assertThatThrownBy(() -> LocalRegistry.start(dir.resolve("b"), port))
                    .isInstanceOf(UserError.class)
                    .hasMessage("port " + port + " for the local registry is taken: pass --registry-port N, "
                            + "or --registry HOST:PORT to use a registry that is already running");
            assertThat(ping(first.host())).isEqualTo(200);
        }
    }
}
