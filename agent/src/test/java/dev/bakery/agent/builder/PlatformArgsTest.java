package dev.bakery.agent.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.bakery.core.Arch;
import dev.bakery.core.BuildTask;
import dev.bakery.core.CacheOptions;
import dev.bakery.core.KanikoOptions;
import dev.bakery.core.Platform;
import dev.bakery.core.Resources;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

class PlatformArgsTest {

    private static BuildTask task(String yaml, String id) {
        return KanikoBuilderTest.plan(yaml).task(id);
    }

    private static BuildTask single(String arch, String kanikoYaml) {
        return task("""
                global:
                  kaniko:
                    no-push: true
                %s
                bake:
                - arch: %s
                """.formatted(kanikoYaml.indent(4).stripTrailing(), arch), arch.replaceAll("/.*", ""));
    }

    @Test
    void amd64SetsAllSevenInBuildKitsOrderWithAnEmptyVariant() {
        Map<String, String> args = PlatformArgs.forTask(single("amd64", ""));
        assertThat(args).containsExactly(
                entry("TARGETPLATFORM", "linux/amd64"),
                entry("TARGETOS", "linux"),
                entry("TARGETARCH", "amd64"),
                entry("TARGETVARIANT", ""),
                entry("BUILDPLATFORM", "linux/amd64"),
                entry("BUILDOS", "linux"),
                entry("BUILDARCH", "amd64"));
        assertThat(args.keySet()).containsExactlyElementsOf(PlatformArgs.NAMES);
    }

    @Test
    void arm64WithAVariantCarriesItInThePlatformAndTargetVariant() {
        assertThat(PlatformArgs.forTask(single("arm64/v8", ""))).containsExactly(
                entry("TARGETPLATFORM", "linux/arm64/v8"),
                entry("TARGETOS", "linux"),
                entry("TARGETARCH", "arm64"),
                entry("TARGETVARIANT", "v8"),
                entry("BUILDPLATFORM", "linux/arm64/v8"),
                entry("BUILDOS", "linux"),
                entry("BUILDARCH", "arm64"));
    }

    @Test
    void arm64WithoutAVariant() {
        assertThat(PlatformArgs.forTask(single("arm64", ""))).containsExactly(
                entry("TARGETPLATFORM", "linux/arm64"),
                entry("TARGETOS", "linux"),
                entry("TARGETARCH", "arm64"),
                entry("TARGETVARIANT", ""),
                entry("BUILDPLATFORM", "linux/arm64"),
                entry("BUILDOS", "linux"),
                entry("BUILDARCH", "arm64"));
    }

    @Test
    void eachTaskOfAMultiArchBuildGetsItsOwnPlatform() {
        String yaml = """
                global:
                  kaniko: {destination: "registry.example.com/app:1"}
                bake:
                - arch: amd64
                - arch: linux/arm64/v8
                """;
        assertThat(PlatformArgs.forTask(task(yaml, "amd64"))).containsEntry("TARGETPLATFORM", "linux/amd64");
        assertThat(PlatformArgs.forTask(task(yaml, "arm64"))).containsEntry("TARGETPLATFORM", "linux/arm64/v8")
                .containsEntry("BUILDARCH", "arm64");
    }

    @Test
    void mergedAddsTheUsersArgsSortedByNameAndTheUserWinsEveryClash() {
        BuildTask task = single("amd64", """
                build-args:
                  ZED: last
                  TARGETARCH: x86_64
                  BUILDPLATFORM: "linux/amd64,linux/arm64"
                  TARGETVARIANT: v3
                  ALPHA: "a, b=c"
                """);
        SortedMap<String, String> merged = PlatformArgs.merged(task);
        assertThat(merged).containsExactly(
                entry("ALPHA", "a, b=c"),
                entry("BUILDARCH", "amd64"),
                entry("BUILDOS", "linux"),
                entry("BUILDPLATFORM", "linux/amd64,linux/arm64"),
                entry("TARGETARCH", "x86_64"),
                entry("TARGETOS", "linux"),
                entry("TARGETPLATFORM", "linux/amd64"),
                entry("TARGETVARIANT", "v3"),
                entry("ZED", "last"));
        // forTask stays the automatic values only.
        assertThat(PlatformArgs.forTask(task)).containsEntry("TARGETARCH", "amd64");
    }

    @Test
    void aUserValueThatIsEmptyStillWins() {
        BuildTask task = single("amd64", """
                build-args:
                  TARGETOS: ""
                """);
        assertThat(PlatformArgs.merged(task)).containsEntry("TARGETOS", "");
    }

    @Test
    void customPlatformSetsTheTargetWhileTheBuildStaysTheMachinesOwn() {
        BuildTask task = single("arm64", "custom-platform: linux/amd64");
        assertThat(PlatformArgs.forTask(task)).containsExactly(
                entry("TARGETPLATFORM", "linux/amd64"),
                entry("TARGETOS", "linux"),
                entry("TARGETARCH", "amd64"),
                entry("TARGETVARIANT", ""),
                entry("BUILDPLATFORM", "linux/arm64"),
                entry("BUILDOS", "linux"),
                entry("BUILDARCH", "arm64"));
    }

    @Test
    void customPlatformShortFormsAreSpelledOut() {
        assertThat(PlatformArgs.customPlatform(single("arm64", "custom-platform: arm64"))).hasValueSatisfying(
                p -> assertThat(p.toString()).isEqualTo("linux/arm64"));
        assertThat(PlatformArgs.customPlatform(single("arm64", "custom-platform: ARM64/v8"))).hasValueSatisfying(
                p -> assertThat(p.toString()).isEqualTo("linux/arm64/v8"));
        assertThat(PlatformArgs.customPlatform(single("amd64", "custom-platform: linux/amd64"))).hasValueSatisfying(
                p -> assertThat(p).isEqualTo(new PlatformArgs.OciPlatform("linux", "amd64", null)));
        assertThat(PlatformArgs.customPlatform(single("amd64", ""))).isEmpty();
    }

    @Test
    void aCustomPlatformThatIsNotLinuxIsRefusedWithTheValue() {
        BuildTask task = withCustomPlatform("windows/amd64");
        assertThatThrownBy(() -> PlatformArgs.forTask(task)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"windows/amd64\"").hasMessageContaining("task amd64");
        assertThatThrownBy(() -> PlatformArgs.forTask(withCustomPlatform("linux/arm64/8")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("linux/arm64/8");
    }

    @Test
    void theMapsCannotBeChanged() {
        BuildTask task = single("amd64", "");
        assertThatThrownBy(() -> PlatformArgs.forTask(task).put("X", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> PlatformArgs.merged(task).put("X", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    /** Core refuses such a value; a hand-built task (a plan from elsewhere) may still carry one. */
    private static BuildTask withCustomPlatform(String customPlatform) {
        KanikoOptions kaniko = new KanikoOptions(".", "Dockerfile", Map.of(), CacheOptions.DISABLED, null, false, false,
                customPlatform, null, Map.of(), true, List.of(), List.of(), null);
        return new BuildTask("amd64", Platform.ECS, Arch.AMD64, null, new Resources(500, 2048), 600,
                false, Map.of(), null, null, kaniko, List.of(), List.of(), List.of(), List.of());
    }
}
