package dev.bakery.agent.builder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.core.BuildPlanner;
import dev.bakery.core.BuildTask;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The buildah commands of a task (the real build runs in AgentEndToEndTest). */
class BuildahBuilderTest {

    @Test
    void buildSecretsAreSecretOptionsOfTheBuildAndNeverOfThePush() {
        BuildTask task = BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", """
                global:
                  kaniko: {destination: "127.0.0.1:5000/app:1"}
                  secrets: [{id: token, secret: ci/token}]
                bake:
                - arch: amd64
                """))).builds().getFirst().plan().task("amd64");
        BuildahBuilder buildah = new BuildahBuilder("buildah", Path.of("/t/storage"), Path.of("/t/run"), null);
        List<List<String>> commands = buildah.commands(new BuildRequest(task, Path.of("/t/workspace"), Path.of("/t/digest"),
                Map.of("token", Path.of("/t/bakery-secrets/token.secret"))));
        assertThat(commands.get(0)).containsSubsequence("build", "--secret", "id=token,src=/t/bakery-secrets/token.secret",
                "/t/workspace");
        assertThat(commands.get(1)).contains("push").doesNotContain("--secret");
    }

    /** buildah's environment is clean (no DOCKER_CONFIG): the logins reach base-image pulls and pushes as a flag. */
    @Test
    void theBuildAndEveryPushReadTheLoginsFromTheAuthFile() {
        BuildTask task = BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", """
                bake:
                - arch: amd64
                  kaniko: {destination: "127.0.0.1:5000/app:1"}
                """))).builds().getFirst().plan().task("amd64");
        BuildahBuilder buildah = new BuildahBuilder("buildah", Path.of("/t/storage"), Path.of("/t/run"),
                Path.of("/t/docker/config.json"));
        List<List<String>> commands = buildah.commands(new BuildRequest(task, Path.of("/t/workspace"), Path.of("/t/digest"),
                Map.of()));
        assertThat(commands).hasSize(2).allSatisfy(command -> assertThat(command)
                .containsSubsequence("--authfile", "/t/docker/config.json"));
    }
}
