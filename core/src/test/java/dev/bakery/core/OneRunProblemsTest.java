package dev.bakery.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** Every problem of a file in one run, and the warnings a user needs before paying for a size they did not ask for. */
class OneRunProblemsTest {

    @Test
    void unknownKeysAndBadValuesComeTogether() {
        BakeryConfigException e = catchThrowableOfType(BakeryConfigException.class, () -> Fixtures.resolveConfig("config.yaml", """
                global:
                  kaniko:
                    destinaton: registry.example.com/app:1
                    destination: registry.example.com/app:1
                  timeout: 1d
                bake:
                  - arch: amd64
                    cpu: lots
                  - arch: arm64
                    spott: true
                """));
        assertThat(e.problems()).extracting(Problem::path).containsExactlyInAnyOrder(
                "global.kaniko.destinaton", "bake[1].spott", "global.timeout", "bake[0].cpu");
        assertThat(e.getMessage()).contains("did you mean \"destination\"?", "did you mean \"spot\"?");
    }

    @Test
    void memoryThatForcesMoreCpuIsWarnedAbout() {
        Resolution resolution = Fixtures.resolveConfig("config.yaml", """
                global:
                  kaniko: {destination: registry.example.com/app:1}
                bake:
                  - arch: amd64
                    cpu: 0.25
                    memory: 64G
                """);
        assertThat(resolution.builds().getFirst().plan().tasks().getFirst().resources().milliCpu()).isEqualTo(16_000);
        assertThat(resolution.warnings()).extracting(Problem::render).containsExactly("config.yaml:6:13: bake[0].memory:"
                + " memory 64 GiB needs at least 16 vCPU on Fargate: the task gets 16 vCPU, 64 GiB, 64 times the 0.25"
                + " vCPU asked for (Fargate bills the vCPU it gives); lower memory to keep the cpu");
    }

    @Test
    void roundingCpuAloneOrOnKubernetesIsNotWarnedAbout() {
        assertThat(Fixtures.resolveConfig("config.yaml", """
                global:
                  kaniko: {destination: registry.example.com/app:1}
                bake:
                  - {arch: amd64, cpu: 0.3, memory: 1G}
                  - {arch: arm64, platform: k8s, cpu: 0.25, memory: 64G}
                """).warnings()).isEmpty();
    }
}
