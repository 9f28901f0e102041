package dev.bakery.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** config.yaml rules beyond the original example: naming, new keys, sizing, defaults. */
class ConfigResolutionTest {

    private static BuildPlan plan(String yaml) {
        return Fixtures.resolveConfig("config.yaml", yaml).builds().getFirst().plan();
    }

    @Test
    void aSingleArchPushesStraightToTheDestinationAndItsTags() {
        BuildPlan plan = plan("""
                global:
                  kaniko:
                    destination: localhost:5000/team/app
                    tags: [v1, "registry.example.com/mirror/app:v1"]
                bake:
                - arch: arm64
                """);
        assertThat(plan.index()).isNull();
        assertThat(plan.tasks().getFirst().destinations()).map(ImageReference::toString).containsExactly(
                "localhost:5000/team/app:latest", "localhost:5000/team/app:v1", "registry.example.com/mirror/app:v1");
    }

    @Test
    void multiArchWithoutTagUsesLatestAndTagsGoToTheIndex() {
        BuildPlan plan = plan("""
                global:
                  index-format: docker
                  kaniko:
                    destination: localhost:5000/app
                    tags: [stable]
                bake:
                - arch: amd64
                - arch: arm64
                """);
        assertThat(plan.tasks()).flatMap(BuildTask::destinations).map(ImageReference::toString)
                .containsExactly("localhost:5000/app:latest_amd64", "localhost:5000/app:latest_arm64");
        assertThat(plan.index().destinations()).map(ImageReference::toString)
                .containsExactly("localhost:5000/app:latest", "localhost:5000/app:stable");
        assertThat(plan.index().format()).isEqualTo(IndexFormat.DOCKER);
    }

    @Test
    void aRepeatedArchNumbersEveryTaskByPositionAsTheOriginalDid() {
        BuildPlan plan = plan("""
                global:
                  kaniko: {destination: "docker.io/acme/app:2.0"}
                bake:
                - arch: amd64
                - arch: arm64
                - arch: amd64
                  kaniko: {target: debug}
                """);
        assertThat(plan.tasks()).extracting(BuildTask::id).containsExactly("amd64-0", "arm64-1", "amd64-2");
        assertThat(plan.task("amd64-2").destinations()).map(ImageReference::toString)
                .containsExactly("docker.io/acme/app:2.0_amd64-2");
        assertThat(plan.task("amd64-2").kaniko().target()).isEqualTo("debug");
        assertThat(plan.index().taskIds()).containsExactly("amd64-0", "arm64-1", "amd64-2");
    }

    @Test
    void aBakeEntrysOwnDestinationWinsAndStaysInTheIndexWhenInTheSameRepository() {
        BuildPlan plan = plan("""
                global:
                  kaniko: {destination: "registry.example.com/app:1"}
                bake:
                - arch: amd64
                - arch: arm64
                  kaniko: {destination: "registry.example.com/app:1-arm-special"}
                """);
        assertThat(plan.task("arm64").destinations()).map(ImageReference::toString)
                .containsExactly("registry.example.com/app:1-arm-special");
        assertThat(plan.index().taskIds()).containsExactly("amd64", "arm64");
    }

    @Test
    void anOwnDestinationInAnotherRepositoryCannotJoinTheIndex() {
        assertThatThrownBy(() -> plan("""
                global:
                  kaniko: {destination: "registry.example.com/app:1"}
                bake:
                - arch: amd64
                - arch: arm64
                  kaniko: {destination: "registry.example.com/other:1"}
                """)).hasMessage("config.yaml:6:25: bake[1].kaniko.destination: pushes to registry.example.com/other,"
                + " outside registry.example.com/app of the multi-arch index: an index can only list images of its"
                + " own repository (use a tag of registry.example.com/app)");
    }

    @Test
    void noPushTasksNeedNoDestinationAndJoinNoIndex() {
        BuildPlan plan = plan("""
                global:
                  kaniko: {no-push: true}
                bake:
                - arch: amd64
                - arch: arm64
                """);
        assertThat(plan.tasks()).allSatisfy(t -> assertThat(t.destinations()).isEmpty());
        assertThat(plan.index()).isNull();
    }

    @Test
    void newKeysReachThePlan() {
        BuildPlan plan = plan("""
                global:
                  timeout: 1h30m
                  spot: true
                  cpu: 1
                  memory: 3G
                  secrets:
                  - {id: npmrc, secret: ci/npmrc}
                  kaniko-credentials:
                  - {registry: ghcr.io, username: bot, secret: ci/ghcr-token}
                  - {registry: quay.io, secret: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:quay-AbCdEf"}
                  kaniko:
                    destination: ghcr.io/acme/app:v2
                    target: runtime
                    labels: {org.opencontainers.image.source: "https://example.com/acme/app"}
                    extra-flags: --verbosity=debug --label "team=build infra"
                    ignore-path: [/var/cache]
                bake:
                - arch: arm64/v8
                """);
        BuildTask task = plan.tasks().getFirst();
        assertThat(task.timeoutSeconds()).isEqualTo(5400);
        assertThat(task.spot()).isTrue();
        assertThat(task.resources()).isEqualTo(new Resources(1000, 3072));
        assertThat(task.variant()).isEqualTo("v8");
        assertThat(task.ociPlatform()).isEqualTo("linux/arm64/v8");
        assertThat(task.secrets()).containsExactly(new SecretMount("npmrc", "ci/npmrc"));
        assertThat(task.credentials()).containsExactly(
                new RegistryCredential("ghcr.io", "bot", SecretRef.named("ci/ghcr-token")),
                new RegistryCredential("quay.io", null,
                        SecretRef.named("arn:aws:secretsmanager:eu-west-1:123456789012:secret:quay-AbCdEf")));
        assertThat(task.kaniko().target()).isEqualTo("runtime");
        assertThat(task.kaniko().labels()).containsEntry("org.opencontainers.image.source", "https://example.com/acme/app");
        assertThat(task.kaniko().extraFlags()).containsExactly("--verbosity=debug", "--label", "team=build infra");
        assertThat(task.kaniko().ignorePaths()).containsExactly("/var/cache");
    }

    @Test
    void fargateSizesAreRoundedUpOnEcsButKeptAsRequestedOnK8s() {
        BuildPlan plan = plan("""
                global:
                  cpu: 0.3
                  memory: 3500M
                  kaniko: {destination: "localhost:5000/app:1"}
                bake:
                - arch: amd64
                - arch: arm64
                  platform: k8s
                  cpu: 1500m
                """);
        assertThat(plan.task("amd64").resources()).isEqualTo(new Resources(500, 4096));
        assertThat(plan.task("arm64").platform()).isEqualTo(Platform.K8S);
        assertThat(plan.task("arm64").resources()).isEqualTo(new Resources(1500, 3500));
    }

    @Test
    void emptyListsInABakeEntryInheritAsInTheOriginal() {
        BuildPlan plan = plan("""
                global:
                  kaniko-credentials: [{registry: r.example.com, username: u, password: not-in-the-plan}]
                  kaniko: {destination: "r.example.com/app:1", ignore-path: [/tmp]}
                bake:
                - arch: amd64
                  kaniko-credentials: []
                  kaniko: {ignore-path: []}
                """);
        assertThat(plan.tasks().getFirst().credentials()).hasSize(1);
        assertThat(plan.tasks().getFirst().kaniko().ignorePaths()).containsExactly("/tmp");
    }

    @Test
    void defaultsComeFromTheOriginalServerVariables() {
        Defaults defaults = Defaults.fromEnvironment(Map.of("DEFAULT_BUILD_CPU", "1", "DEFAULT_BUILD_MEMORY", "4G",
                "BUILD_TASK_TIMEOUT", "30m"));
        assertThat(defaults).isEqualTo(new Defaults(new Resources(1000, 4096), 1800, Arch.AMD64));
        assertThat(Defaults.fromEnvironment(Map.of())).isEqualTo(Defaults.STANDARD);
        BuildPlan plan = BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", """
                bake: [{arch: amd64, kaniko: {no-push: true}}]
                """)).withDefaults(defaults)).builds().getFirst().plan();
        assertThat(plan.tasks().getFirst().resources()).isEqualTo(new Resources(1000, 4096));
        assertThat(plan.tasks().getFirst().timeoutSeconds()).isEqualTo(1800);
        Fixtures.assertRoundTrip(plan);
    }

    @Test
    void badServerVariablesAreNamed() {
        assertThatThrownBy(() -> Defaults.fromEnvironment(Map.of("DEFAULT_BUILD_MEMORY", "lots", "BUILD_TASK_TIMEOUT", "5")))
                .isInstanceOf(BakeryConfigException.class)
                .hasMessage("DEFAULT_BUILD_MEMORY: invalid memory \"lots\": use e.g. 512M, 2G or 2048 (MiB)\n"
                        + "BUILD_TASK_TIMEOUT: invalid duration \"5\": missing unit (use e.g. 90s, 10m, 1h30m)");
    }

    @Test
    void yamlAnchorsAndMergeKeysWork() {
        BuildPlan plan = plan("""
                global:
                  kaniko: &base
                    destination: localhost:5000/app:1
                    build-args: {A: "1"}
                bake:
                - arch: amd64
                  kaniko:
                    <<: *base
                    build-args: {B: "2"}
                """);
        assertThat(plan.tasks().getFirst().kaniko().buildArgs()).isEqualTo(Map.of("A", "1", "B", "2"));
    }
}
