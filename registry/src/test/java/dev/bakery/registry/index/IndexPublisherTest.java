package dev.bakery.registry.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.core.Arch;
import dev.bakery.core.ImageReference;
import dev.bakery.core.IndexFormat;
import dev.bakery.core.IndexPlan;
import dev.bakery.registry.Descriptor;
import dev.bakery.registry.Login;
import dev.bakery.registry.Manifest;
import dev.bakery.registry.MediaTypes;
import dev.bakery.registry.RegistryClient;
import dev.bakery.registry.RegistryCredentials;
import dev.bakery.registry.RegistryException;
import dev.bakery.testing.LoopbackRegistry;
import dev.bakery.registry.testing.TestImages;
import dev.bakery.testing.TokenServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The index publisher against a real docker-registry on loopback. */
class IndexPublisherTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ImageReference ref(LoopbackRegistry registry, String rest) throws Exception {
        return ImageReference.parse(registry.host() + "/" + rest);
    }

    private static IndexPlan plan(IndexFormat format, ImageReference... destinations) {
        return new IndexPlan(List.of(destinations), format, List.of("amd64", "arm64"));
    }

    @Nested
    class OpenRegistry {

        private static LoopbackRegistry registry;
        private static RegistryClient client;

        @BeforeAll
        static void start() {
            registry = LoopbackRegistry.start();
            client = new RegistryClient(RegistryCredentials.none());
        }

        @AfterAll
        static void stop() {
            registry.close();
        }

        @Test
        void publishesAnOciIndexThatListsBothPlatforms() throws Exception {
            Descriptor amd = TestImages.push(client, ref(registry, "team/app:v1_amd64"), "amd64", null);
            Descriptor arm = TestImages.push(client, ref(registry, "team/app:v1_arm64"), "arm64", "v8");
            IndexPublisher.Published published = new IndexPublisher(client).publish(
                    plan(IndexFormat.OCI, ref(registry, "team/app:v1"), ref(registry, "team/app:stable")),
                    List.of(new IndexPublisher.Child("amd64", ref(registry, "team/app:v1_amd64"), Arch.AMD64, null),
                            new IndexPublisher.Child("arm64", ref(registry, "team/app:v1_arm64"), Arch.ARM64, null)));

            Manifest index = client.manifest(ref(registry, "team/app:v1"));
            assertThat(index.descriptor().mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
            assertThat(index.descriptor().digest()).isEqualTo(published.digest());
            JsonNode manifests = JSON.readTree(index.bytes()).path("manifests");
            assertThat(manifests).hasSize(2);
            assertThat(manifests.get(0).path("digest").asText()).isEqualTo(amd.digest());
            assertThat(manifests.get(0).path("platform").toString()).isEqualTo("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
            assertThat(manifests.get(1).path("digest").asText()).isEqualTo(arm.digest());
            assertThat(manifests.get(1).path("platform").toString())
                    .isEqualTo("{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}");
            assertThat(manifests.get(1).path("size").asLong()).isEqualTo(arm.size());
            assertThat(client.head(ref(registry, "team/app:stable")).orElseThrow().digest()).isEqualTo(published.digest());
        }

        @Test
        void publishingTheSameImagesTwiceGivesTheSameDigest() throws Exception {
            TestImages.push(client, ref(registry, "again/app:1_amd64"), "amd64", null);
            TestImages.push(client, ref(registry, "again/app:1_arm64"), "arm64", null);
            List<IndexPublisher.Child> children = List.of(
                    new IndexPublisher.Child("amd64", ref(registry, "again/app:1_amd64"), Arch.AMD64, null),
                    new IndexPublisher.Child("arm64", ref(registry, "again/app:1_arm64"), Arch.ARM64, null));
            IndexPublisher publisher = new IndexPublisher(client);
            String first = publisher.publish(plan(IndexFormat.OCI, ref(registry, "again/app:1")), children).digest();
            String second = publisher.publish(plan(IndexFormat.OCI, ref(registry, "again/app:1")), children).digest();
            assertThat(second).isEqualTo(first);
        }

        @Test
        void publishesADockerManifestListWhenThePlanAsksForIt() throws Exception {
            TestImages.push(client, ref(registry, "old/app:1_amd64"), "amd64", null);
            TestImages.push(client, ref(registry, "old/app:1_arm64"), "arm64", null);
            new IndexPublisher(client).publish(plan(IndexFormat.DOCKER, ref(registry, "old/app:1")), List.of(
                    new IndexPublisher.Child("amd64", ref(registry, "old/app:1_amd64"), Arch.AMD64, null),
                    new IndexPublisher.Child("arm64", ref(registry, "old/app:1_arm64"), Arch.ARM64, null)));
            Manifest list = client.manifest(ref(registry, "old/app:1"));
            assertThat(list.descriptor().mediaType()).isEqualTo(MediaTypes.DOCKER_LIST);
            assertThat(JSON.readTree(list.bytes()).path("mediaType").asText()).isEqualTo(MediaTypes.DOCKER_LIST);
        }

        @Test
        void aMissingChildFailsNamingIt() throws Exception {
            TestImages.push(client, ref(registry, "half/app:1_amd64"), "amd64", null);
            assertThatThrownBy(() -> new IndexPublisher(client).publish(plan(IndexFormat.OCI, ref(registry, "half/app:1")),
                    List.of(new IndexPublisher.Child("amd64", ref(registry, "half/app:1_amd64"), Arch.AMD64, null),
                            new IndexPublisher.Child("arm64", ref(registry, "half/app:1_arm64"), Arch.ARM64, null))))
                    .isInstanceOf(RegistryException.class)
                    .hasMessage("cannot publish the index: the arm64 image " + registry.host()
                            + "/half/app:1_arm64 is not in the registry (did its task push it?)");
            assertThat(client.head(ref(registry, "half/app:1"))).isEmpty();
        }

        @Test
        void aWrongArchitectureInASlotIsRefused() throws Exception {
            TestImages.push(client, ref(registry, "mixed/app:1_amd64"), "amd64", null);
            TestImages.push(client, ref(registry, "mixed/app:1_arm64"), "amd64", null);
            assertThatThrownBy(() -> new IndexPublisher(client).publish(plan(IndexFormat.OCI, ref(registry, "mixed/app:1")),
                    List.of(new IndexPublisher.Child("amd64", ref(registry, "mixed/app:1_amd64"), Arch.AMD64, null),
                            new IndexPublisher.Child("arm64", ref(registry, "mixed/app:1_arm64"), Arch.ARM64, null))))
                    .hasMessage("refusing to publish the index: the arm64 slot (task arm64, " + registry.host()
                            + "/mixed/app:1_arm64) holds a linux/amd64 image");
            assertThat(client.head(ref(registry, "mixed/app:1"))).isEmpty();
        }

        @Test
        void childrenCanBeNamedByTheirPushedDigest() throws Exception {
            Descriptor amd = TestImages.push(client, ref(registry, "pinned/app:1_amd64"), "amd64", null);
            Descriptor arm = TestImages.push(client, ref(registry, "pinned/app:1_arm64"), "arm64", null);
            String digest = new IndexPublisher(client).publish(plan(IndexFormat.OCI, ref(registry, "pinned/app:1")), List.of(
                    new IndexPublisher.Child("amd64", ref(registry, "pinned/app@" + amd.digest()), Arch.AMD64, null),
                    new IndexPublisher.Child("arm64", ref(registry, "pinned/app@" + arm.digest()), Arch.ARM64, null)))
                    .digest();
            assertThat(client.head(ref(registry, "pinned/app:1")).orElseThrow().digest()).isEqualTo(digest);
        }
    }

    @Nested
    class BasicAuthRegistry {

        private static LoopbackRegistry registry;

        @BeforeAll
        static void start() {
            registry = LoopbackRegistry.startWithBasicAuth("builder", "correct horse");
        }

        @AfterAll
        static void stop() {
            registry.close();
        }

        @Test
        void publishesWithTheRegistrysLogin() throws Exception {
            RegistryClient client = new RegistryClient(RegistryCredentials.of(
                    Map.of(registry.host(), new Login("builder", "correct horse"))));
            TestImages.push(client, ref(registry, "app:1_amd64"), "amd64", null);
            TestImages.push(client, ref(registry, "app:1_arm64"), "arm64", null);
            String digest = new IndexPublisher(client).publish(plan(IndexFormat.OCI, ref(registry, "app:1")), List.of(
                    new IndexPublisher.Child("amd64", ref(registry, "app:1_amd64"), Arch.AMD64, null),
                    new IndexPublisher.Child("arm64", ref(registry, "app:1_arm64"), Arch.ARM64, null))).digest();
            assertThat(client.head(ref(registry, "app:1")).orElseThrow().digest()).isEqualTo(digest);
        }

        @Test
        void withoutALoginItSaysWhatToAdd() throws Exception {
            RegistryClient anonymous = new RegistryClient(RegistryCredentials.none());
            assertThatThrownBy(() -> anonymous.head(ref(registry, "app:1")))
                    .hasMessage("registry " + registry.host() + " requires a login and none is configured:"
                            + " add kaniko-credentials for " + registry.host());
        }

        @Test
        void aWrongPasswordIsDeniedNamingTheRegistryAndScope() throws Exception {
            RegistryClient wrong = new RegistryClient(RegistryCredentials.of(
                    Map.of(registry.host(), new Login("builder", "wrong"))));
            assertThatThrownBy(() -> wrong.head(ref(registry, "app:1")))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageStartingWith("registry " + registry.host() + " denied user builder to read manifest "
                            + registry.host() + "/app:1 (HTTP 401, scope repository:app:pull): ")
                    .hasMessageEndingWith("; check the credentials for " + registry.host());
        }
    }

    @Nested
    class TokenAuthRegistry {

        private static TokenServer tokens;
        private static LoopbackRegistry registry;

        @BeforeAll
        static void start() {
            tokens = TokenServer.start("loopback-registry", Map.of("ci", "s3cret"), true);
            registry = LoopbackRegistry.startWithTokenAuth(tokens);
        }

        @AfterAll
        static void stop() {
            registry.close();
            tokens.close();
        }

        @Test
        void publishesWithBearerTokensForEachScope() throws Exception {
            RegistryClient client = new RegistryClient(RegistryCredentials.of(Map.of(registry.host(), new Login("ci", "s3cret"))));
            TestImages.push(client, ref(registry, "svc/app:1_amd64"), "amd64", null);
            TestImages.push(client, ref(registry, "svc/app:1_arm64"), "arm64", null);
            String digest = new IndexPublisher(client).publish(plan(IndexFormat.OCI, ref(registry, "svc/app:1")), List.of(
                    new IndexPublisher.Child("amd64", ref(registry, "svc/app:1_amd64"), Arch.AMD64, null),
                    new IndexPublisher.Child("arm64", ref(registry, "svc/app:1_arm64"), Arch.ARM64, null))).digest();
            assertThat(client.head(ref(registry, "svc/app:1")).orElseThrow().digest()).isEqualTo(digest);
            assertThat(tokens.requestedScopes()).contains("repository:svc/app:pull", "repository:svc/app:pull,push");
        }

        @Test
        void anonymousTokensReadButCannotPush() throws Exception {
            RegistryClient writer = new RegistryClient(RegistryCredentials.of(Map.of(registry.host(), new Login("ci", "s3cret"))));
            TestImages.push(writer, ref(registry, "public/app:1"), "amd64", null);
            RegistryClient anonymous = new RegistryClient(RegistryCredentials.none());
            assertThat(anonymous.head(ref(registry, "public/app:1"))).isPresent();
            assertThatThrownBy(() -> TestImages.push(anonymous, ref(registry, "public/app:2"), "amd64", null))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageStartingWith("registry " + registry.host() + " denied anonymous access to upload blob sha256:")
                    .hasMessageContaining("(HTTP 401, scope repository:public/app:pull,push)");
        }

        @Test
        void aRefusedLoginNamesTheTokenServiceAndScope() throws Exception {
            RegistryClient wrong = new RegistryClient(RegistryCredentials.of(Map.of(registry.host(), new Login("ci", "nope"))));
            assertThatThrownBy(() -> wrong.head(ref(registry, "svc/app:1")))
                    .hasMessage("the token service " + tokens.realm() + " of registry " + registry.host()
                            + " refused user ci for scope repository:svc/app:pull (HTTP 401): check the credentials");
        }
    }
}
