package dev.bakery.registry;

import dev.bakery.core.Digests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.bakery.core.retry.Backoff;
import dev.bakery.core.ImageReference;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Registry failures docker-registry cannot be made to produce on cue (flakiness, an immutable tag
 * as ECR reports it), played by a small loopback server.
 */
class RegistryClientFailureTest {

    private static final byte[] MANIFEST = "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8);

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile int failures;
    private volatile int failureStatus = 503;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v2/app/manifests/1", exchange -> {
            int n = requests.incrementAndGet();
            if (n <= failures) {
                exchange.sendResponseHeaders(failureStatus, -1);
            } else {
                exchange.getResponseHeaders().add("Content-Type", MediaTypes.OCI_MANIFEST);
                exchange.sendResponseHeaders(200, MANIFEST.length);
                exchange.getResponseBody().write(MANIFEST);
            }
            exchange.close();
        });
        server.createContext("/v2/app/manifests/v1", exchange -> {
            byte[] error = ("{\"errors\":[{\"code\":\"TAG_INVALID\",\"message\":\"The image tag 'v1' already exists"
                    + " in the 'app' repository and cannot be overwritten because the repository is immutable.\"}]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(400, error.length);
            exchange.getResponseBody().write(error);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ImageReference image() throws Exception {
        return ImageReference.parse("127.0.0.1:" + server.getAddress().getPort() + "/app:1");
    }

    @Test
    void retriesServerErrorsWithBackoff() throws Exception {
        failures = 2;
        Manifest manifest = new RegistryClient(RegistryCredentials.none(), 3, new Backoff(Duration.ofMillis(10), Duration.ofMillis(40))).manifest(image());
        assertThat(requests).hasValue(3);
        assertThat(manifest.descriptor()).isEqualTo(new Descriptor(MediaTypes.OCI_MANIFEST, Digests.sha256(MANIFEST), MANIFEST.length));
    }

    @Test
    void retriesTooManyRequests() throws Exception {
        failures = 1;
        failureStatus = 429;
        new RegistryClient(RegistryCredentials.none(), 3, new Backoff(Duration.ofMillis(10), Duration.ofMillis(40))).manifest(image());
        assertThat(requests).hasValue(2);
    }

    @Test
    void givesUpAfterItsAttemptsSayingSo() throws Exception {
        failures = 10;
        assertThatThrownBy(() -> new RegistryClient(RegistryCredentials.none(), 3, new Backoff(Duration.ofMillis(10), Duration.ofMillis(40))).manifest(image()))
                .isInstanceOf(RegistryException.class)
                .hasMessage("registry 127.0.0.1:" + server.getAddress().getPort() + " kept failing to read manifest "
                        + image() + " (HTTP 503 after 3 tries): no details");
        assertThat(requests).hasValue(3);
    }

    @Test
    void anImmutableTagIsNamedAsSuch() throws Exception {
        ImageReference tag = ImageReference.parse("127.0.0.1:" + server.getAddress().getPort() + "/app:v1");
        assertThatThrownBy(() -> new RegistryClient(RegistryCredentials.none()).putManifest(tag, MediaTypes.OCI_INDEX, MANIFEST))
                .isInstanceOf(RegistryException.class)
                .hasMessage("tag v1 is immutable in " + tag.repositoryName() + ": the registry refuses to move it"
                        + " (TAG_INVALID The image tag 'v1' already exists in the 'app' repository and cannot be"
                        + " overwritten because the repository is immutable.); publish to a new tag");
    }
}
