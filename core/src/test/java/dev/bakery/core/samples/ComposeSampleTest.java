package dev.bakery.core.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.core.Arch;
import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildTask;
import dev.bakery.core.PlannedBuild;
import dev.bakery.core.Resolution;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * samples/compose: two services, each for the platforms its x-bake names, with list-form args and
 * ${VAR:-default} interpolation; defaults that build on the local mode, the environment to retarget.
 */
class ComposeSampleTest {

    private static final String COMPOSE = "compose/compose.yaml";

    @Test
    void withNoEnvironmentBothServicesBuildBothArchesIntoTheLoopbackRegistry() {
        Resolution resolution = Samples.planCompose(COMPOSE, Map.of());

        assertThat(resolution.warnings()).isEmpty();
        // cache has an image but no build section: compose pulls it, bakery does not build it.
        assertThat(resolution.builds()).extracting(b -> b.plan().service()).containsExactly("api", "web");
        BuildPlan api = Samples.plan(resolution, "api");
        assertThat(api.tasks()).extracting(BuildTask::arch).containsExactly(Arch.AMD64, Arch.ARM64);
        assertThat(Samples.destinations(api.task("amd64"))).containsExactly("127.0.0.1:5000/compose-api:0.1.0_amd64");
        assertThat(Samples.destinations(api.task("arm64"))).containsExactly("127.0.0.1:5000/compose-api:0.1.0_arm64");
        assertThat(Samples.indexDestinations(api)).containsExactly("127.0.0.1:5000/compose-api:0.1.0");
        assertThat(Samples.indexDestinations(Samples.plan(resolution, "web"))).containsExactly("127.0.0.1:5000/compose-web:0.1.0");
    }

    @Test
    void listFormArgsTakeTheirDefaultsAndABareNameIsLeftOutWhenUnset() {
        BuildPlan api = Samples.plan(Samples.planCompose(COMPOSE, Map.of()), "api");
        BuildPlan web = Samples.plan(Samples.planCompose(COMPOSE, Map.of()), "web");

        assertThat(api.tasks()).allSatisfy(task -> assertThat(task.kaniko().buildArgs())
                .containsExactlyInAnyOrderEntriesOf(Map.of("VERSION", "0.1.0", "GIT_SHA", "unknown")));
        assertThat(web.tasks()).allSatisfy(task -> assertThat(task.kaniko().buildArgs())
                .containsExactlyInAnyOrderEntriesOf(Map.of("VERSION", "0.1.0", "GREETING", "hello, world")));
    }

    @Test
    void theEnvironmentRetargetsTheImagesAndFillsTheArgs() {
        Resolution resolution = Samples.planCompose(COMPOSE,
                Map.of("REGISTRY", "ghcr.io/acme", "VERSION", "2.0.0", "GIT_SHA", "0badc0de", "BUILD_HOST", "ci-7"));

        BuildPlan api = Samples.plan(resolution, "api");
        assertThat(Samples.destinations(api.task("arm64"))).containsExactly("ghcr.io/acme/compose-api:2.0.0_arm64");
        assertThat(Samples.indexDestinations(api)).containsExactly("ghcr.io/acme/compose-api:2.0.0");
        assertThat(api.task("amd64").kaniko().buildArgs()).containsExactlyInAnyOrderEntriesOf(
                Map.of("VERSION", "2.0.0", "GIT_SHA", "0badc0de", "BUILD_HOST", "ci-7"));
    }

    @Test
    void eachServiceBuildsItsOwnContextAndDockerfileWithTheSharedPreScript() {
        Resolution resolution = Samples.planCompose(COMPOSE, Map.of());
        BuildPlan api = Samples.plan(resolution, "api");
        BuildPlan web = Samples.plan(resolution, "web");

        assertThat(api.tasks()).allSatisfy(task -> {
            assertThat(task.kaniko().contextPath()).isEqualTo("api");
            assertThat(task.kaniko().dockerfile()).isEqualTo("Dockerfile");
            assertThat(task.resources().milliCpu()).isEqualTo(1000);
        });
        assertThat(web.tasks()).allSatisfy(task -> {
            assertThat(task.kaniko().contextPath()).isEqualTo("web");
            assertThat(task.kaniko().dockerfile()).isEqualTo("Dockerfile.web");
        });
        for (PlannedBuild build : resolution.builds()) {
            for (BuildTask task : build.plan().tasks()) {
                assertThat(Samples.dockerfile("compose", task)).isRegularFile();
                // COPY only, as in hello: both arches build offline without emulation.
                assertThat(Samples.instructions(Samples.dockerfile("compose", task))).doesNotContain("RUN");
                // $$ in the compose file is a literal $ for the shell.
                assertThat(task.preScript()).contains("\"$(command -v busybox || echo /bin/busybox)\" \"$context/busybox\"");
            }
        }
    }

    @Test
    void theWebServiceKeepsTheArm64VariantItsPlatformNames() {
        BuildPlan web = Samples.plan(Samples.planCompose(COMPOSE, Map.of()), "web");

        assertThat(web.tasks()).extracting(BuildTask::id).containsExactly("amd64", "arm64");
        assertThat(web.task("arm64").variant()).isEqualTo("v8");
        assertThat(web.task("arm64").ociPlatform()).isEqualTo("linux/arm64/v8");
    }

    @Test
    void servicesSelectsOneService() {
        assertThat(Samples.planCompose(COMPOSE, Map.of(), "web").builds()).extracting(b -> b.plan().service())
                .containsExactly("web");
    }
}
