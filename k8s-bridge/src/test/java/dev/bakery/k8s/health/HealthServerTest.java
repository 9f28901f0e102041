package dev.bakery.k8s.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthServerTest {

    @Test
    void answersWhatTheBridgeSays() throws Exception {
        AtomicBoolean healthy = new AtomicBoolean(true);
        try (HealthServer server = new HealthServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), healthy::get);
                HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz")).build();

            assertThat(http.send(probe, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            healthy.set(false);
            HttpResponse<String> stuck = http.send(probe, HttpResponse.BodyHandlers.ofString());
            assertThat(stuck.statusCode()).isEqualTo(503);
            assertThat(stuck.body()).isEqualTo("the activity poller is stuck\n");
        }
    }
}
