package dev.bakery.local.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bakery.emulators.RegistryEmulator;
import dev.bakery.local.Ports;
import dev.bakery.local.UserError;
import dev.bakery.registry.Login;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local mode's registry: docker-registry on a socket, its front on the port; a taken port is one sentence. */
class LocalRegistryTest {

    private static final Login LOGIN = new Login("pusher", "s3cret");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> send(String method, String url, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).method(method, method.equals("POST")
                ? HttpRequest.BodyPublishers.ofString("") : HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsPassAnonymouslyWritesNeedTheLoginAndTheBaseChallengesForIt() throws Exception {
        Path directory = dir.resolve("registry");
        int port = Ports.claim(0, new UserError("no free port"));
        try (RegistryEmulator engine = LocalRegistry.engine(directory).get();
                LocalRegistry registry = LocalRegistry.start(directory, port, LOGIN)) {
            String base = "http://" + registry.host() + "/v2/";
            HttpResponse<String> challenge = send("GET", base, null);
            assertThat(challenge.statusCode()).isEqualTo(401);
            assertThat(challenge.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"bakery-local registry\"");
            assertThat(send("GET", base, basic("pusher", "s3cret")).statusCode()).isEqualTo(200);
            // A read: docker-registry's own answer (no such repository), not the front's.
            assertThat(send("GET", base + "app/tags/list", null).statusCode()).isEqualTo(404);

            HttpResponse<String> anonymous = send("POST", base + "app/blobs/uploads/", null);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.body()).contains("UNAUTHORIZED", "needs the run's registry login");
            assertThat(send("POST", base + "app/blobs/uploads/", basic("pusher", "wrong")).statusCode()).isEqualTo(401);
            HttpResponse<String> upload = send("POST", base + "app/blobs/uploads/", basic("pusher", "s3cret"));
            assertThat(upload.statusCode()).isEqualTo(202);
            // Relative, so that the client comes back through the front.
            assertThat(upload.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith("/v2/app/blobs/uploads/"));
        }
    }

    @Test
    void aTakenPortIsOneSentence() throws Exception {
        int port = Ports.claim(0, new UserError("no free port"));
        try (LocalRegistry first = LocalRegistry.start(dir.resolve("a"), port, LOGIN)) {
            assertThatThrownBy(() -> LocalRegistry.start(dir.resolve("b"), port, LOGIN))
                    .isInstanceOf(UserError.class)
                    .hasMessage("port " + port + " for the local registry is taken: pass --registry-port N, "
                            + "or --registry HOST:PORT to use a registry that is already running");
        }
    }
}
