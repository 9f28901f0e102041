package dev.bakery.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Compose files as {@code docker buildx bake} and {@code docker compose} read them. Each test restates a
 * case of docker/buildx's {@code bake/compose_test.go} (x-bake, tags, platforms, .env, include, unknown
 * build keys) or compose-go's {@code loader} include rules, with our own fixtures; where a buildx
 * feature cannot apply to a Kaniko build, the test pins the error that says so.
 */
class ComposeConformanceTest {

    /** A repository of files for {@code include:} and {@code .env}. */
    private static Resolution resolve(Map<String, String> files, String composePath, Map<String, String> env) {
        String directory = composePath.contains("/") ? composePath.substring(0, composePath.lastIndexOf('/')) : "";
        return Fixtures.resolve(new PlanRequest(null, new SourceFile(composePath, files.get(composePath), directory),
                List.of(), env, Defaults.STANDARD, path -> Optional.ofNullable(files.get(path))));
    }

    private static Resolution resolve(String compose) {
        return resolve(Map.of("compose.yaml", compose), "compose.yaml", Map.of());
    }

    private static BakeryConfigException failure(String compose) {
        return catchThrowableOfType(BakeryConfigException.class, () -> resolve(compose));
    }

    private static BuildPlan plan(Resolution resolution, String service) {
        return resolution.builds().stream().map(PlannedBuild::plan).filter(p -> p.service().equals(service))
                .findFirst().orElseThrow();
    }

    private static List<String> archs(BuildPlan plan) {
        return plan.tasks().stream().map(t -> t.arch().key()).toList();
    }

    private static List<String> indexTags(BuildPlan plan) {
        return plan.index().destinations().stream().map(ImageReference::toString).toList();
    }

    // buildx TestComposeExt / TestComposeExtDedup: x-bake.tags add to build.tags, once each.
    @Test
    void xBakeTagsAddToTheBuildsTags() {
        BuildPlan plan = plan(resolve("""
                services:
                  addon:
                    image: registry.example.com/ct-addon:bar
                    build:
                      context: .
                      tags: [registry.example.com/ct-addon:baz]
                      x-bake:
                        tags: [registry.example.com/ct-addon:foo, registry.example.com/ct-addon:baz]
                        platforms: [linux/amd64, linux/arm64]
                """), "addon");
        assertThat(indexTags(plan)).containsExactly("registry.example.com/ct-addon:bar",
                "registry.example.com/ct-addon:baz", "registry.example.com/ct-addon:foo");
        assertThat(archs(plan)).containsExactly("amd64", "arm64");
    }

    // buildx TestComposeExt (service "aws"): x-bake.platforms may be one string.
    @Test
    void xBakePlatformsMayBeOneString() {
        assertThat(archs(plan(resolve("""
                services:
                  aws:
                    image: registry.example.com/ct-fake-aws:bar
                    build:
                      x-bake:
                        platforms: linux/arm64
                """), "aws"))).containsExactly("arm64");
        // stringArray splits a single string at white space; platformutil.Parse splits entries at commas.
        assertThat(archs(plan(resolve("""
                services:
                  aws:
                    image: registry.example.com/ct-fake-aws:bar
                    build:
                      x-bake:
                        platforms: linux/amd64 linux/arm64
                """), "aws"))).containsExactly("amd64", "arm64");
        assertThat(archs(plan(resolve("""
                services:
                  aws:
                    image: registry.example.com/ct-fake-aws:bar
                    build:
                      x-bake:
                        platforms: linux/amd64,linux/arm64
                """), "aws"))).containsExactly("amd64", "arm64");
    }

    // buildx composeExtTarget: x-bake.platforms are appended to build.platforms without repeats.
    @Test
    void xBakePlatformsAddToBuildPlatforms() {
        assertThat(archs(plan(resolve("""
                services:
                  foo:
                    image: registry.example.com/foo:1
                    build:
                      platforms: [linux/amd64]
                      x-bake:
                        platforms: [linux/amd64, linux/arm64]
                """), "foo"))).containsExactly("amd64", "arm64");
    }

    // buildx TestPlatforms and TestTags: the build section's own lists.
    @Test
    void buildPlatformsAndTags() {
        BuildPlan plan = plan(resolve("""
                services:
                  example:
                    image: registry.example.com/example
                    build:
                      context: .
                      dockerfile: Dockerfile
                      tags: [foo, bar]
                      platforms: [linux/amd64, linux/arm64]
                """), "example");
        assertThat(archs(plan)).containsExactly("amd64", "arm64");
        assertThat(indexTags(plan)).containsExactly("registry.example.com/example:latest",
                "registry.example.com/example:foo", "registry.example.com/example:bar");
    }

    // buildx TestUnknownBuildField: the compose-spec schema has no other build keys.
    @Test
    void anUnknownBuildKeyIsAnError() {
        BakeryConfigException e = failure("""
                services:
                  webapp:
                    image: registry.example.com/webapp
                    build:
                      context: .
                      foo: bar
                      dockerfle: Dockerfile.web
                      x-custom: allowed
                """);
        assertThat(e.getMessage()).contains("services.webapp.build.foo: unknown compose build key \"foo\"",
                "services.webapp.build.dockerfle: unknown compose build key \"dockerfle\"", "did you mean \"dockerfile\"?")
                .doesNotContain("x-custom");
    }

    // buildx TestComposeExt uses x-bake keys a Kaniko build cannot honour: each is refused, saying why.
    @Test
    void xBakeKeysKanikoCannotHonourAreRefusedSayingWhy() {
        BakeryConfigException e = failure("""
                services:
                  aws:
                    image: registry.example.com/aws
                    build:
                      x-bake:
                        secret: [id=mysecret,src=/local/secret]
                        ssh: default
                        output: type=docker
                        cache-from: [type=local,src=path/to/cache]
                        contexts: {alpine: docker-image://alpine:3.13}
                """);
        assertThat(e.problems()).extracting(Problem::path).containsExactlyInAnyOrder(
                "services.aws.build.x-bake.secret", "services.aws.build.x-bake.ssh", "services.aws.build.x-bake.output",
                "services.aws.build.x-bake.cache-from", "services.aws.build.x-bake.contexts");
        assertThat(e.getMessage()).contains("x-bake.secret cannot apply: build secrets come from Secrets Manager",
                "x-bake.ssh cannot apply: Kaniko cannot forward an SSH agent");
    }

    @Test
    void aMisspeltXBakeKeySuggestsTheXBakeKey() {
        assertThat(failure("""
                services:
                  app:
                    image: registry.example.com/app
                    build:
                      x-bake:
                        platfroms: [linux/amd64]
                """).getMessage()).contains("unknown key \"platfroms\": did you mean \"platforms\"?");
    }

    // compose-spec build keys that would change the image are refused; the others warn.
    @Test
    void specBuildKeysKanikoCannotHonour() {
        assertThat(failure("""
                services:
                  app:
                    image: registry.example.com/app
                    build:
                      dockerfile_inline: FROM scratch
                """).getMessage()).contains("build.dockerfile_inline cannot apply");
        Resolution resolution = resolve("""
                services:
                  app:
                    image: registry.example.com/app
                    build:
                      cache_from: [user/app:cache]
                      shm_size: 128m
                """);
        assertThat(resolution.warnings()).extracting(Problem::path)
                .containsExactly("services.app.build.cache_from", "services.app.build.shm_size");
    }

    // buildx TestDotEnv: a bare arg takes its value from .env in the project directory.
    @Test
    void dotEnvGivesValuelessArgsAndInterpolation() {
        Resolution resolution = resolve(Map.of(".env", "FOO=bar\nTAG=1.4\n", "compose.yaml", """
                services:
                  scratch:
                    image: registry.example.com/scratch:${TAG}
                    build:
                      context: .
                      args:
                        FOO:
                """), "compose.yaml", Map.of());
        BuildTask task = plan(resolution, "scratch").tasks().getFirst();
        assertThat(task.kaniko().buildArgs()).containsEntry("FOO", "bar");
        assertThat(task.destinations()).extracting(ImageReference::toString).containsExactly("registry.example.com/scratch:1.4");
    }

    // compose: the environment wins over .env; buildx TestDotEnvEvaluate: .env values interpolate.
    @Test
    void theEnvironmentWinsAndDotEnvValuesInterpolate() {
        Map<String, String> files = Map.of(".env", """
                TEST_VALUE=${SYSTEM_VALUE:?system_value_not_set}
                FOO_VALUE=${TEST_VALUE:?test_value_not_set}
                TAG=from-dotenv
                """, "compose.yaml", """
                services:
                  test:
                    image: registry.example.com/test:${TAG}
                    build:
                      args:
                        TEST_VALUE:
                        FOO_VALUE:
                """);
        BuildTask task = plan(resolve(files, "compose.yaml", Map.of("SYSTEM_VALUE", "abc", "TAG", "from-env")), "test")
                .tasks().getFirst();
        assertThat(task.kaniko().buildArgs()).containsEntry("TEST_VALUE", "abc").containsEntry("FOO_VALUE", "abc");
        assertThat(task.destinations().getFirst().toString()).isEqualTo("registry.example.com/test:from-env");
    }

    // The .env of a compose file in a sub-directory is that directory's (its project directory).
    @Test
    void dotEnvComesFromTheComposeFilesDirectory() {
        Map<String, String> files = Map.of(".env", "TAG=root\n", "deploy/.env", "TAG=deploy\n", "deploy/compose.yaml", """
                services:
                  app:
                    image: registry.example.com/app:${TAG}
                    build: .
                """);
        BuildPlan plan = plan(resolve(files, "deploy/compose.yaml", Map.of()), "app");
        assertThat(plan.tasks().getFirst().destinations().getFirst().toString()).isEqualTo("registry.example.com/app:deploy");
        assertThat(plan.tasks().getFirst().kaniko().contextPath()).isEqualTo("deploy");
    }

    // The case: an unset variable behind an invalid tag is named next to the error.
    @Test
    void anUnsetVariableIsNamedNextToTheErrorItCauses() {
        BakeryConfigException e = catchThrowableOfType(BakeryConfigException.class, () -> resolve(Map.of("compose.yaml", """
                services:
                  test1:
                    image: ${TEST_IMAGE_NAME}:${TEST_IMAGE_TAG}
                    build: .
                """), "compose.yaml", Map.of("TEST_IMAGE_NAME", "registry.example.com/app")));
        assertThat(e.getMessage()).contains("invalid tag", "warning: compose.yaml:3:12: services.test1.image: variable"
                + " TEST_IMAGE_TAG is not set (neither in the environment nor in .env): it became an empty string");
    }

    // buildx TestInclude: included files bring their services, relative to their own directory.
    @Test
    void includeBringsServicesRelativeToTheirOwnDirectory() {
        Map<String, String> files = new HashMap<>(Map.of("compose.yaml", """
                include:
                  - sub/compose-foo.yml
                services:
                  bar:
                    image: registry.example.com/bar
                    build:
                      context: .
                      target: buildbar
                """, "sub/compose-foo.yml", """
                services:
                  foo:
                    image: registry.example.com/foo:${FOO_TAG}
                    build:
                      context: .
                      target: buildfoo
                """, "sub/.env", "FOO_TAG=from-sub-env\n"));
        Resolution resolution = resolve(files, "compose.yaml", Map.of());
        assertThat(resolution.builds()).extracting(b -> b.plan().service()).containsExactly("bar", "foo");
        BuildTask foo = plan(resolution, "foo").tasks().getFirst();
        assertThat(foo.kaniko().target()).isEqualTo("buildfoo");
        assertThat(foo.kaniko().contextPath()).isEqualTo("sub");
        assertThat(foo.destinations().getFirst().toString()).isEqualTo("registry.example.com/foo:from-sub-env");
        assertThat(plan(resolution, "bar").tasks().getFirst().kaniko().target()).isEqualTo("buildbar");
    }

    // compose-go include: project_directory and env_file in the long form; paths relative to the includer.
    @Test
    void includeLongForm() {
        Map<String, String> files = Map.of("compose.yaml", """
                include:
                  - path: lib/compose.yaml
                    project_directory: lib/app
                    env_file: lib/custom.env
                """, "lib/compose.yaml", """
                services:
                  lib:
                    image: registry.example.com/lib:${LIB_TAG}
                    build: .
                """, "lib/custom.env", "LIB_TAG=7\n");
        BuildTask lib = plan(resolve(files, "compose.yaml", Map.of()), "lib").tasks().getFirst();
        assertThat(lib.kaniko().contextPath()).isEqualTo("lib/app");
        assertThat(lib.destinations().getFirst().toString()).isEqualTo("registry.example.com/lib:7");
    }

    // compose-go importResources: a service defined differently in the includer is a conflict.
    @Test
    void includeConflictsAndMissingFilesAreErrors() {
        Map<String, String> files = Map.of("compose.yaml", """
                include: [other.yaml, missing.yaml, ../outside.yaml]
                services:
                  app:
                    image: registry.example.com/app:1
                    build: .
                """, "other.yaml", """
                services:
                  app:
                    image: registry.example.com/app:2
                    build: .
                """);
        BakeryConfigException e = catchThrowableOfType(BakeryConfigException.class,
                () -> resolve(files, "compose.yaml", Map.of()));
        assertThat(e.getMessage()).contains("service \"app\" is defined differently in other.yaml",
                "included compose file missing.yaml does not exist", "\"../outside.yaml\" is outside the repository");
    }

    @Test
    void includeCyclesAreErrors() {
        Map<String, String> files = Map.of("compose.yaml", "include: [a.yaml]\nservices: {app: {image: r.example.com/a, build: .}}\n",
                "a.yaml", "include: [compose.yaml]\nservices: {}\n");
        assertThat(catchThrowableOfType(BakeryConfigException.class, () -> resolve(files, "compose.yaml", Map.of()))
                .getMessage()).contains("include cycle");
    }
}
