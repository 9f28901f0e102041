package dev.bakery.agent.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.BuildTask;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.PlannedBuild;
import dev.bakery.core.SourceFile;
import dev.bakery.registry.EcrTokens;
import dev.bakery.registry.Login;
import dev.bakery.registry.PlanCredentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigTest {

    @TempDir
    Path temp;

    private static String auth(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void writesLoginsFromSecretsAndTheScopedEcrTokenNoCredentialHelper() throws Exception {
        PlannedBuild build = BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", """
                global:
                  kaniko-credentials:
                  - {registry: registry.example.com, username: builder, password: inline-pass}
                  - {registry: docker.io, username: hubber, secret: ci/dockerhub}
                  kaniko:
                    destination: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1
                    cache: {enable: true, repo: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app-cache}
                bake: [{arch: amd64}]
                """))).builds().getFirst();
        BuildTask task = build.plan().tasks().getFirst();
        // The build's own secret holds the inline passwords under their keys, as the server stores them.
        Map<String, String> secrets = Map.of("bakery/builds/b-1", new ObjectMapper().writeValueAsString(build.inlinePasswords()),
                "ci/dockerhub", "hub-token");
        Path file = temp.resolve("docker/config.json");

        List<Login> written = DockerConfig.write(file, task,
                new PlanCredentials(task.credentials(), "b-1", secrets::get,
                        host -> java.util.Optional.of(new Login("AWS", "token-of-" + host.host()))));

        assertThat(written).extracting(Login::username).containsExactly("builder", "hubber", "AWS");
        JsonNode config = new ObjectMapper().readTree(file.toFile());
        assertThat(config.path("auths").path("registry.example.com").path("auth").asText()).isEqualTo(auth("builder", "inline-pass"));
        assertThat(config.path("auths").path("https://index.docker.io/v1/").path("auth").asText()).isEqualTo(auth("hubber", "hub-token"));
        // The destination's and the cache's registry, one login (its token reaches only those repositories).
        assertThat(config.path("auths").path("123456789012.dkr.ecr.eu-west-1.amazonaws.com").path("auth").asText())
                .isEqualTo(auth("AWS", "token-of-123456789012.dkr.ecr.eu-west-1.amazonaws.com"));
        // A helper would need AWS credentials in the build container, which has none.
        assertThat(config.has("credHelpers")).isFalse();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aSecretThatCannotBeReadStopsTheStep() {
        BuildTask task = BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", """
                global:
                  kaniko-credentials: [{registry: ghcr.io, username: bot, secret: ci/missing}]
                bake: [{arch: amd64, kaniko: {no-push: true}}]
                """))).builds().getFirst().plan().tasks().getFirst();
        assertThatThrownBy(() -> DockerConfig.write(temp.resolve("config.json"), task, new PlanCredentials(task.credentials(),
                "b-2", id -> {
                    throw new IllegalStateException("secret " + id + " not found in Secrets Manager");
                }, EcrTokens.none()))).hasMessage("secret ci/missing not found in Secrets Manager");
    }
}
