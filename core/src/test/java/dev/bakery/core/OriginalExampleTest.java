package dev.bakery.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The original Bakery's example shape (global with every kaniko option, an amd64 and an arm64 bake
 * entry overriding parts of it) resolves to the plan a user of the original would expect.
 */
class OriginalExampleTest {

    private static Resolution resolution;
    private static BuildPlan plan;

    @BeforeAll
    static void resolve() {
        resolution = Fixtures.resolveConfig("config.yaml", Fixtures.text("original-example.yaml"));
        plan = resolution.builds().getFirst().plan();
    }

    @Test
    void resolvesToTheExpectedPlanAsAWhole() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(PlanJson.write(plan)))
                .isEqualTo(json.readTree(Fixtures.text("original-example.plan.json")));
    }

    @Test
    void oneServiceWithOneTaskPerArchAndAnIndex() {
        assertThat(resolution.builds()).hasSize(1);
        assertThat(plan.service()).isEqualTo("default");
        assertThat(plan.tasks()).extracting(BuildTask::id).containsExactly("amd64", "arm64");
        assertThat(plan.tasks()).extracting(BuildTask::arch).containsExactly(Arch.AMD64, Arch.ARM64);
        assertThat(plan.index().destination()).hasToString("registry.example.com/team/app:v1.2.3");
        assertThat(plan.index().format()).isEqualTo(IndexFormat.OCI);
        assertThat(plan.task("amd64").destinations()).map(ImageReference::toString)
                .containsExactly("registry.example.com/team/app:v1.2.3_amd64");
        assertThat(plan.task("arm64").destinations()).map(ImageReference::toString)
                .containsExactly("registry.example.com/team/app:v1.2.3_arm64");
    }

    @Test
    void mapsMergeWithTheBakeEntryWinning() {
        assertThat(plan.task("amd64").env()).containsExactlyInAnyOrderEntriesOf(
                java.util.Map.of("STAGE", "ci", "EXTRA", "one"));
        assertThat(plan.task("arm64").kaniko().buildArgs())
                .containsEntry("BUILD_PLATFORM", "arm64")
                .containsEntry("BASE_IMAGE_NAME", "alpine")
                .containsEntry("GO_VERSION", "1.25.4")
                .hasSize(4);
    }

    @Test
    void scalarsAreReplacedAndCacheFieldsOverriddenOneByOne() {
        BuildTask arm = plan.task("arm64");
        assertThat(arm.kaniko().dockerfile()).isEqualTo("Dockerfile.arm64");
        assertThat(arm.kaniko().contextPath()).isEqualTo("src"); // /workspace/src, relative to the workspace
        assertThat(arm.preScript()).isEqualTo("echo \"arm prep\" > pre.txt\n");
        assertThat(arm.postScript()).isNull(); // '' overrides the global post-script with none
        assertThat(arm.kaniko().cache()).isEqualTo(
                new CacheOptions(true, "cache.example.com/app/cache", "1h30m", true, true, false));
        assertThat(plan.task("amd64").kaniko().cache().ttl()).isEqualTo("24h");
    }

    @Test
    void credentialsAreAllOrNothingAndPasswordsAreSplitOff() {
        assertThat(plan.task("amd64").credentials()).extracting(RegistryCredential::username)
                .containsExactly("builder", "cacher");
        assertThat(plan.task("arm64").credentials()).extracting(RegistryCredential::username)
                .containsExactly("arm-builder");
        PlannedBuild build = resolution.builds().getFirst();
        assertThat(build.inlinePasswords()).containsEntry("global.kaniko-credentials[0]", "s3cr3t-global")
                .containsEntry("bake[1].kaniko-credentials[0]", "s3cr3t-arm")
                .containsEntry("bake[1].kaniko.image.secret[0]", "s3cr3t-pull")
                .hasSize(4);
        assertThat(build.toString()).doesNotContain("s3cr3t");
        assertThat(PlanJson.write(plan)).doesNotContain("s3cr3t");
    }

    @Test
    void defaultsFillWhatNobodySet() {
        BuildTask amd = plan.task("amd64");
        assertThat(amd.resources()).isEqualTo(new Resources(500, 2048));
        assertThat(amd.resources().ecsCpuUnits()).isEqualTo(512);
        assertThat(amd.timeoutSeconds()).isEqualTo(600);
        assertThat(amd.platform()).isEqualTo(Platform.ECS);
        assertThat(amd.spot()).isFalse();
    }

    @Test
    void keysTheOriginalIgnoredOnEcsAreWarnedAbout() {
        assertThat(resolution.warnings()).extracting(Problem::render).containsExactly(
                "config.yaml:64:21: bake[1].kaniko.container-name: applies to platform k8s only; ignored on ecs",
                "config.yaml:61:7: bake[1].kaniko.image.secret: applies to platform k8s only; ignored on ecs");
    }
}
