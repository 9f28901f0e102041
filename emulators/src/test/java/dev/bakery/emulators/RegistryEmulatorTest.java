package dev.bakery.emulators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real docker-registry, started on loopback with its files under a directory and stopped again. */
class RegistryEmulatorTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void closeClient() {
        http.close();
    }

    private int ping(String host) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void startsOnLoopbackStoresUnderItsDirectoryAndStops() throws Exception {
        int port = freePort();
        String host;
        try (RegistryEmulator registry = RegistryEmulator.start(dir, port, "")) {
            host = registry.host();
            assertThat(host).isEqualTo("127.0.0.1:" + port);
            assertThat(ping(host)).isEqualTo(200);
            assertThat(Files.readString(dir.resolve("config.yml"))).contains("addr: \"127.0.0.1:" + port + "\"")
                    .contains("rootdirectory: \"" + dir.resolve("storage") + "\"");
        }
        assertThatThrownBy(() -> ping(host)).isInstanceOf(ConnectException.class);
        assertThat(dir.resolve("registry.log")).exists();
    }

    @Test
    void extraConfigIsAppliedAnAuthRegistryCountsAsUp() throws Exception {
        Path htpasswd = Files.writeString(dir.resolve("htpasswd"), "");
        String auth = "auth:\n  htpasswd:\n    realm: " + RegistryEmulator.quoted("test") + "\n    path: "
                + RegistryEmulator.quoted(htpasswd.toString()) + "\n";
        try (RegistryEmulator registry = RegistryEmulator.start(dir, freePort(), auth)) {
            assertThat(ping(registry.host())).isEqualTo(401);
        }
    }

    @Test
    void aTakenPortIsPortTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> RegistryEmulator.start(dir, taken.getLocalPort(), ""))
                    .isInstanceOf(RegistryEmulator.PortTakenException.class)
                    .hasMessage("port " + taken.getLocalPort() + " on 127.0.0.1 is taken");
        }
    }

    @Test
    void quotesYamlStrings() {
        assertThat(RegistryEmulator.quoted("a \"b\" \\c\n")).isEqualTo("\"a \\\"b\\\" \\\\c\\n\"");
    }
}
