package dev.bakery.core.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.core.Arch;
import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildTask;
import dev.bakery.core.CacheOptions;
import dev.bakery.core.IndexFormat;
import dev.bakery.core.Platform;
import dev.bakery.core.RegistryCredential;
import dev.bakery.core.Resources;
import dev.bakery.core.Resolution;
import dev.bakery.core.SecretRef;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * samples/multiarch, the original Bakery's example shape, resolves as its comments say: global
 * settings inherited by each arch, maps merged with the bake entry winning, scalars and scripts
 * replaced, cache fields overridden one by one, and registry passwords left in Secrets Manager.
 */
class MultiarchSampleTest {

    private static final Map<String, String> GLOBAL_ARGS = Map.of("BUILD_BASE_IMAGE_NAME", "golang",
            "BUILD_BASE_IMAGE_TAG", "1.25-alpine", "BASE_IMAGE_NAME", "alpine", "BASE_IMAGE_TAG", "3.22");

    private final Resolution resolution = Samples.planConfig("multiarch/bakery.yaml");
    private final BuildPlan plan = resolution.builds().getFirst().plan();
    private final BuildTask amd64 = plan.task("amd64");
    private final BuildTask arm64 = plan.task("arm64");

    @Test
    void eachArchPushesItsOwnTagAndTheIndexGetsTheReleaseAndStableTags() {
        assertThat(resolution.builds()).hasSize(1);
        assertThat(resolution.warnings()).isEmpty();
        assertThat(plan.tasks()).extracting(BuildTask::arch).containsExactly(Arch.AMD64, Arch.ARM64);
        assertThat(Samples.destinations(amd64)).containsExactly("ghcr.io/acme/greeter:1.4.0_amd64");
        assertThat(Samples.destinations(arm64)).containsExactly("ghcr.io/acme/greeter:1.4.0_arm64");
        assertThat(Samples.indexDestinations(plan)).containsExactly("ghcr.io/acme/greeter:1.4.0", "ghcr.io/acme/greeter:stable");
        assertThat(plan.index().format()).isEqualTo(IndexFormat.OCI);
    }

    @Test
    void arm64BuildsItsOwnDockerfileAndBothExist() {
        assertThat(amd64.kaniko().dockerfile()).isEqualTo("Dockerfile");
        assertThat(arm64.kaniko().dockerfile()).isEqualTo("Dockerfile.arm64");
        for (BuildTask task : plan.tasks()) {
            assertThat(Samples.dockerfile("multiarch", task)).isRegularFile();
        }
        assertThat(Samples.path("multiarch/VERSION")).isRegularFile();
    }

    @Test
    void buildArgsAndEnvMergeWithTheBakeEntryWinning() {
        assertThat(amd64.kaniko().buildArgs()).containsExactlyInAnyOrderEntriesOf(
                with(GLOBAL_ARGS, Map.of("BUILD_PLATFORM", "amd64", "GOAMD64", "v2")));
        assertThat(arm64.kaniko().buildArgs()).containsExactlyInAnyOrderEntriesOf(
                with(GLOBAL_ARGS, Map.of("BUILD_PLATFORM", "arm64")));
        assertThat(amd64.env()).containsExactlyInAnyOrderEntriesOf(Map.of("STAGE", "ci", "CHANNEL", "beta"));
        assertThat(arm64.env()).containsExactlyInAnyOrderEntriesOf(Map.of("STAGE", "ci", "CHANNEL", "canary"));
    }

    @Test
    void scriptsAreReplacedAndAnEmptyPostScriptRemovesTheGlobalOne() {
        assertThat(amd64.preScript()).contains("> build-info.txt").doesNotContain("arm64");
        assertThat(arm64.preScript()).contains("on arm64").contains("> build-info.txt");
        assertThat(amd64.postScript()).contains("pushed greeter");
        assertThat(arm64.postScript()).isNull();
    }

    @Test
    void cacheFieldsAreOverriddenOneByOne() {
        assertThat(amd64.kaniko().cache()).isEqualTo(new CacheOptions(true, "ghcr.io/acme/greeter-cache", "24h", false, null, null));
        assertThat(arm64.kaniko().cache()).isEqualTo(new CacheOptions(true, "ghcr.io/acme/greeter-cache", "6h", false, null, null));
        assertThat(plan.tasks()).allSatisfy(task -> assertThat(task.kaniko().snapshotMode()).isEqualTo("redo"));
    }

    @Test
    void sizesAreRoundedToFargateAndTheOtherTaskSettingsInherited() {
        assertThat(amd64.resources()).isEqualTo(new Resources(1000, 2048));
        assertThat(arm64.resources()).isEqualTo(new Resources(2000, 4096));
        assertThat(plan.tasks()).allSatisfy(task -> {
            assertThat(task.platform()).isEqualTo(Platform.ECS);
            assertThat(task.spot()).isTrue();
            assertThat(task.timeoutSeconds()).isEqualTo(20 * 60);
            assertThat(task.kaniko().labels()).containsEntry("org.opencontainers.image.source", "https://github.com/acme/greeter");
        });
    }

    @Test
    void registryPasswordsAreSecretsManagerReferencesNeverInlineValues() {
        assertThat(resolution.builds().getFirst().inlinePasswords()).isEmpty();
        assertThat(plan.tasks()).allSatisfy(task -> assertThat(task.credentials()).containsExactly(
                new RegistryCredential("ghcr.io", "acme-ci", SecretRef.named("ci/ghcr-push-token")),
                new RegistryCredential("docker.io", null, SecretRef.named("ci/dockerhub-login"))));
    }

    private static Map<String, String> with(Map<String, String> base, Map<String, String> more) {
        Map<String, String> all = new HashMap<>(base);
        all.putAll(more);
        return all;
    }
}
