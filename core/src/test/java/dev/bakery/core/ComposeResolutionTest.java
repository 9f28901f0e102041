package dev.bakery.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Compose files (alone, in a subdirectory, or on top of a config.yaml) resolve to the plans a user of
 * the original Bakery would expect: one build per service, one task per platform, per-arch pushes
 * joined by an index, and compose's own spellings (list/map args, interpolation, anchors) honoured.
 */
class ComposeResolutionTest {

    private static final String COMPOSE = "compose.yaml";

    private static Resolution compose(String fixture, Map<String, String> env, String... services) {
        return Fixtures.resolveCompose(COMPOSE, Fixtures.text(fixture), env, List.of(services));
    }

    private static Resolution composeText(String text, Map<String, String> env, String... services) {
        return Fixtures.resolveCompose(COMPOSE, text, env, List.of(services));
    }

    private static BakeryConfigException failure(Runnable resolution) {
        return catchThrowableOfType(BakeryConfigException.class, resolution::run);
    }

    private static BuildPlan plan(Resolution resolution, String service) {
        return resolution.builds().stream().map(PlannedBuild::plan).filter(p -> p.service().equals(service))
                .findFirst().orElseThrow(() -> new AssertionError("no plan for service " + service));
    }

    private static List<String> services(Resolution resolution) {
        return resolution.builds().stream().map(b -> b.plan().service()).toList();
    }

    private static List<String> destinations(BuildTask task) {
        return task.destinations().stream().map(ImageReference::toString).toList();
    }

    private static List<String> destinations(IndexPlan index) {
        return index.destinations().stream().map(ImageReference::toString).toList();
    }

    @Nested
    class ThreeServices {

        private static final Map<String, String> ENV = Map.of("REGISTRY", "ghcr.io/acme", "GIT_SHA", "0badc0de");

        private final Resolution resolution = compose("compose-three-services.yaml", ENV);

        @Test
        void buildsEveryServiceWithABuildSectionInFileOrder() {
            // db has only an image: it is pulled, not built.
            assertThat(services(resolution)).containsExactly("api", "worker", "web");
            assertThat(resolution.warnings()).isEmpty();
        }

        @Test
        void multiArchServiceHasOneTaskPerPlatformAndAnIndex() {
            BuildPlan api = plan(resolution, "api");
            assertThat(api.tasks()).extracting(BuildTask::id).containsExactly("amd64", "arm64");
            assertThat(api.tasks()).extracting(BuildTask::arch).containsExactly(Arch.AMD64, Arch.ARM64);
            assertThat(api.tasks()).extracting(BuildTask::variant).containsExactly(null, "v8");
            assertThat(api.task("arm64").ociPlatform()).isEqualTo("linux/arm64/v8");

            // ${REGISTRY:-...} takes the set variable, ${API_TAG-dev} the default of an unset one.
            assertThat(destinations(api.task("amd64"))).containsExactly("ghcr.io/acme/shop/api:dev_amd64");
            assertThat(destinations(api.task("arm64"))).containsExactly("ghcr.io/acme/shop/api:dev_arm64");
            assertThat(api.index()).isNotNull();
            assertThat(destinations(api.index())).containsExactly("ghcr.io/acme/shop/api:dev");
            assertThat(api.index().taskIds()).containsExactly("amd64", "arm64");
            assertThat(api.index().format()).isEqualTo(IndexFormat.OCI);
        }

        @Test
        void multiArchServiceTakesBuilderOptionsFromComposeBuild() {
            for (BuildTask task : plan(resolution, "api").tasks()) {
                KanikoOptions kaniko = task.kaniko();
                assertThat(kaniko.contextPath()).isEqualTo("services/api");
                assertThat(kaniko.dockerfile()).isEqualTo("docker/Dockerfile.api");
                assertThat(kaniko.target()).isEqualTo("runtime");
                assertThat(kaniko.labels()).containsExactlyEntriesOf(Map.of("org.opencontainers.image.title", "api"));
                assertThat(kaniko.customPlatform()).isNull();
                assertThat(kaniko.cache()).isEqualTo(CacheOptions.DISABLED);
            }
        }

        @Test
        void listFormArgsSplitAtTheFirstEqualsSignAndInterpolate() {
            assertThat(plan(resolution, "api").task("amd64").kaniko().buildArgs()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "GO_VERSION", "1.22", // ${GO_VERSION:-1.22}, unset
                    "GIT_SHA", "0badc0de", // value-less: from the environment
                    "PRICE_HINT", "$5 a month", // $$ is a literal $
                    "LDFLAGS", "-X main.mode=prod",
                    "EMPTY", ""));
        }

        @Test
        void xBakeSettingsApplyToEveryTaskWithResourcesRoundedToAFargateSize() {
            for (BuildTask task : plan(resolution, "api").tasks()) {
                // 0.75 vCPU / 2500 MiB is no Fargate size: the smallest that fits is 1 vCPU / 3 GiB.
                assertThat(task.resources()).isEqualTo(new Resources(1000, 3072));
                assertThat(task.spot()).isTrue();
                assertThat(task.timeoutSeconds()).isEqualTo(1800);
                assertThat(task.platform()).isEqualTo(Platform.ECS);
            }
        }

        @Test
        void singlePlatformServicePushesStraightToItsImage() {
            BuildPlan worker = plan(resolution, "worker");
            assertThat(worker.index()).isNull();
            assertThat(worker.tasks()).singleElement().satisfies(task -> {
                assertThat(task.id()).isEqualTo("arm64");
                assertThat(task.arch()).isEqualTo(Arch.ARM64);
                assertThat(task.variant()).isNull();
                assertThat(destinations(task)).containsExactly("ghcr.io/acme/shop/worker:v2"); // $REGISTRY
                assertThat(task.kaniko().contextPath()).isEqualTo("services/worker");
                assertThat(task.kaniko().dockerfile()).isEqualTo("Dockerfile");
                assertThat(task.kaniko().target()).isNull();
                // Map form; BUILD_NUMBER has no value and is not in the environment, so it is dropped.
                assertThat(task.kaniko().buildArgs()).containsExactlyInAnyOrderEntriesOf(Map.of(
                        "BASE_IMAGE", "alpine:3.20", "MODE", "batch"));
                assertThat(task.resources()).isEqualTo(Defaults.STANDARD.resources());
                assertThat(task.timeoutSeconds()).isEqualTo(Defaults.STANDARD.timeoutSeconds());
                assertThat(task.spot()).isFalse();
            });
        }

        @Test
        void buildShorthandWithoutPlatformsBuildsTheDefaultArch() {
            BuildPlan web = plan(resolution, "web");
            assertThat(web.index()).isNull();
            assertThat(web.tasks()).singleElement().satisfies(task -> {
                assertThat(task.id()).isEqualTo("amd64");
                assertThat(task.arch()).isEqualTo(Defaults.STANDARD.arch());
                assertThat(task.kaniko().contextPath()).isEqualTo("web");
                assertThat(task.kaniko().dockerfile()).isEqualTo("Dockerfile");
                assertThat(task.kaniko().buildArgs()).isEmpty();
                // No tag means latest, written out in the plan.
                assertThat(destinations(task)).containsExactly("registry.example.com/shop/web:latest");
            });
        }

        @Test
        void theDefaultArchComesFromTheRequestDefaults() {
            PlanRequest request = PlanRequest.ofCompose(SourceFile.of(COMPOSE, Fixtures.text("compose-three-services.yaml")), ENV)
                    .withServices(List.of("web"))
                    .withDefaults(new Defaults(new Resources(1000, 4096), 900, Arch.ARM64));
            BuildTask task = Fixtures.resolve(request).builds().getFirst().plan().tasks().getFirst();
            assertThat(task.id()).isEqualTo("arm64");
            assertThat(task.arch()).isEqualTo(Arch.ARM64);
            assertThat(task.resources()).isEqualTo(new Resources(1000, 4096));
            assertThat(task.timeoutSeconds()).isEqualTo(900);
        }

        @Test
        void valueLessArgsAreTakenFromTheEnvironmentOrDropped() {
            Resolution withNumber = compose("compose-three-services.yaml",
                    Map.of("REGISTRY", "ghcr.io/acme", "BUILD_NUMBER", "42"), "worker", "api");
            assertThat(plan(withNumber, "worker").tasks().getFirst().kaniko().buildArgs())
                    .containsEntry("BUILD_NUMBER", "42");
            // GIT_SHA is not set this time: the list entry is dropped, not passed empty.
            assertThat(plan(withNumber, "api").task("amd64").kaniko().buildArgs())
                    .doesNotContainKey("GIT_SHA")
                    .containsKeys("GO_VERSION", "PRICE_HINT", "LDFLAGS", "EMPTY");
        }

        @Test
        void aVariableSetToEmptyIsADefaultForColonDashOnly() {
            // ${REGISTRY:-...} treats empty as unset; ${API_TAG-dev} keeps a set value even when empty,
            // which here leaves "api:" and is reported rather than pushed somewhere unexpected.
            Resolution resolution = compose("compose-three-services.yaml",
                    Map.of("REGISTRY", "", "API_TAG", "2.1.0"), "api");
            assertThat(destinations(plan(resolution, "api").index())).containsExactly("registry.example.com/shop/api:2.1.0");

            BakeryConfigException e = failure(() -> compose("compose-three-services.yaml",
                    Map.of("REGISTRY", "ghcr.io/acme", "API_TAG", ""), "api"));
            assertThat(e).isNotNull();
            assertThat(e.problems()).singleElement().satisfies(p -> {
                assertThat(p.file()).isEqualTo(COMPOSE);
                assertThat(p.path()).isEqualTo("services.api.image");
                assertThat(p.line()).isEqualTo(4);
                assertThat(p.message()).contains("ghcr.io/acme/shop/api:");
            });
        }
    }

    @Nested
    class Selection {

        private static final Map<String, String> ENV = Map.of("REGISTRY", "ghcr.io/acme");

        @Test
        void selectedServicesAreBuiltInTheGivenOrder() {
            Resolution resolution = compose("compose-three-services.yaml", ENV, "web", "api");
            assertThat(services(resolution)).containsExactly("web", "api");
        }

        @Test
        void aSingleSelectedServiceIsTheOnlyBuild() {
            Resolution resolution = compose("compose-three-services.yaml", ENV, "worker");
            assertThat(services(resolution)).containsExactly("worker");
        }

        @Test
        void unknownAndRepeatedServicesAreErrorsNamingTheChoices() {
            BakeryConfigException e = failure(() -> compose("compose-three-services.yaml", ENV, "api", "wrker", "api"));
            assertThat(e).isNotNull();
            assertThat(e.problems()).extracting(Problem::message).containsExactlyInAnyOrder(
                    "unknown service \"wrker\" (available: api, worker, db, web)",
                    "service \"api\" is selected twice");
        }

        @Test
        void selectingAServiceWithoutBuildIsAnError() {
            BakeryConfigException e = failure(() -> compose("compose-three-services.yaml", ENV, "db"));
            assertThat(e).isNotNull();
            assertThat(e.getMessage()).contains("service \"db\" has no build section");
        }

        @Test
        void interpolationErrorsInUnselectedServicesDoNotMatter() {
            String text = """
                    services:
                      app:
                        image: registry.example.com/app:1
                        build: .
                      release:
                        image: registry.example.com/release:${RELEASE_TAG:?set RELEASE_TAG for a release}
                        build: release
                    """;
            assertThat(services(composeText(text, Map.of(), "app"))).containsExactly("app");

            BakeryConfigException e = failure(() -> composeText(text, Map.of()));
            assertThat(e).isNotNull();
            assertThat(e.problems()).singleElement().satisfies(p -> {
                assertThat(p.path()).isEqualTo("services.release.image");
                assertThat(p.line()).isEqualTo(6);
                assertThat(p.message()).isEqualTo("required variable RELEASE_TAG is missing a value: set RELEASE_TAG for a release");
            });
        }

        @Test
        void aFileWithNothingToBuildIsAnError() {
            String text = """
                    services:
                      db:
                        image: postgres:16
                    """;
            BakeryConfigException e = failure(() -> composeText(text, Map.of()));
            assertThat(e).isNotNull();
            assertThat(e.getMessage()).contains("no service has a build section");
        }
    }

    @Nested
    class ConfigAndCompose {

        private final Resolution resolution = Fixtures.resolve(new PlanRequest(
                SourceFile.of("config.yaml", Fixtures.text("config-for-compose.yaml")),
                SourceFile.of(COMPOSE, Fixtures.text("compose-with-config.yaml")),
                List.of(), Map.of("VERSION", "4.2.0"), Defaults.STANDARD));

        @Test
        void theConfigBakeEntriesAreIgnoredWithAWarning() {
            assertThat(services(resolution)).containsExactly("app", "docs");
            assertThat(resolution.warnings()).singleElement().satisfies(w -> {
                assertThat(w.file()).isEqualTo("config.yaml");
                assertThat(w.path()).isEqualTo("bake");
                assertThat(w.message()).contains("not used with a compose file");
            });
            for (PlannedBuild build : resolution.builds()) {
                assertThat(build.plan().tasks()).allSatisfy(t ->
                        assertThat(t.kaniko().dockerfile()).isEqualTo("Dockerfile"));
            }
        }

        @Test
        void platformsAndDestinationsComeFromCompose() {
            BuildPlan app = plan(resolution, "app");
            assertThat(app.tasks()).extracting(BuildTask::id).containsExactly("amd64", "arm64");
            assertThat(destinations(app.task("arm64"))).containsExactly("registry.example.com/team/app:4.2.0_arm64");
            assertThat(destinations(app.index())).containsExactly("registry.example.com/team/app:4.2.0");

            BuildPlan docs = plan(resolution, "docs");
            assertThat(docs.index()).isNull();
            assertThat(docs.tasks()).singleElement().satisfies(t -> {
                assertThat(t.arch()).isEqualTo(Arch.AMD64);
                assertThat(t.kaniko().contextPath()).isEqualTo("docs");
                assertThat(destinations(t)).containsExactly("registry.example.com/team/docs:4.2.0");
            });
        }

        @Test
        void composeArgsWinPerKeyOverTheGlobalBuildArgs() {
            assertThat(plan(resolution, "app").task("amd64").kaniko().buildArgs()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "GO_VERSION", "1.23", "BASE_IMAGE", "alpine:3.20", "FEATURE_FLAGS", "none"));
            assertThat(plan(resolution, "docs").tasks().getFirst().kaniko().buildArgs()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "GO_VERSION", "1.21", "BASE_IMAGE", "alpine:3.20"));
        }

        @Test
        void globalEnvCacheResourcesAndCredentialsAreTheBase() {
            BuildTask docs = plan(resolution, "docs").tasks().getFirst();
            assertThat(docs.env()).containsExactlyInAnyOrderEntriesOf(Map.of("STAGE", "ci", "TEAM", "platform"));
            // x-bake env merges over global env per key.
            assertThat(plan(resolution, "app").task("arm64").env())
                    .containsExactlyInAnyOrderEntriesOf(Map.of("STAGE", "compose", "TEAM", "platform"));

            for (PlannedBuild build : resolution.builds()) {
                for (BuildTask task : build.plan().tasks()) {
                    assertThat(task.kaniko().cache()).isEqualTo(
                            new CacheOptions(true, "registry.example.com/team/cache", "48h", false, null, null));
                    assertThat(task.resources()).isEqualTo(new Resources(1000, 2048));
                    assertThat(task.credentials()).containsExactly(
                            new RegistryCredential("registry.example.com", "robot",
                                    SecretRef.buildSecret("global.kaniko-credentials[0]")),
                            new RegistryCredential("mirror.example.com", null, SecretRef.named("bakery/mirror-login")));
                }
                // The inline password travels beside the plan, never in it (Fixtures checks the JSON).
                assertThat(build.inlinePasswords())
                        .containsExactlyEntriesOf(Map.of("global.kaniko-credentials[0]", "inline-robot-password"));
            }
        }

        @Test
        void servicesCanBeSelectedWithAConfigToo() {
            Resolution only = Fixtures.resolve(new PlanRequest(
                    SourceFile.of("config.yaml", Fixtures.text("config-for-compose.yaml")),
                    SourceFile.of(COMPOSE, Fixtures.text("compose-with-config.yaml")),
                    List.of("docs"), Map.of(), Defaults.STANDARD));
            assertThat(services(only)).containsExactly("docs");
            assertThat(destinations(plan(only, "docs").tasks().getFirst()))
                    .containsExactly("registry.example.com/team/docs:snapshot");
        }

        @Test
        void aConfigWithOnlyGlobalGivesNoWarning() {
            Resolution quiet = Fixtures.resolve(new PlanRequest(
                    SourceFile.of("config.yaml", "global:\n  spot: true\n"),
                    SourceFile.of(COMPOSE, Fixtures.text("compose-with-config.yaml")),
                    List.of(), Map.of(), Defaults.STANDARD));
            assertThat(quiet.warnings()).isEmpty();
            assertThat(quiet.builds()).allSatisfy(b -> assertThat(b.plan().tasks()).allSatisfy(t ->
                    assertThat(t.spot()).isTrue()));
        }
    }

    @Nested
    class ComposeFileInASubdirectory {

        private Resolution resolve(String directory) {
            return Fixtures.resolve(PlanRequest.ofCompose(
                    new SourceFile("deploy/edge/compose.yaml", Fixtures.text("compose-in-subdirectory.yaml"), directory),
                    Map.of()));
        }

        @Test
        void contextsAreRelativeToTheComposeFilesDirectory() {
            Resolution resolution = resolve("deploy/edge");
            assertThat(services(resolution)).containsExactly("gateway", "auth", "sidecar");
            assertThat(plan(resolution, "gateway").tasks().getFirst().kaniko().contextPath()).isEqualTo("deploy/edge");
            assertThat(plan(resolution, "auth").tasks().getFirst().kaniko().contextPath()).isEqualTo("services/auth");
            assertThat(plan(resolution, "sidecar").tasks().getFirst().kaniko().contextPath()).isEqualTo("deploy/edge/sidecar");
        }

        @Test
        void theDockerfileStaysRelativeToTheContext() {
            BuildTask auth = plan(resolve("deploy/edge"), "auth").tasks().getFirst();
            assertThat(auth.kaniko().dockerfile()).isEqualTo("build/Dockerfile");
        }

        @Test
        void atTheRepositoryRootContextsAreUnprefixed() {
            BakeryConfigException e = failure(() -> resolve(""));
            // ../../services/auth leaves the repository when the file is at its root.
            assertThat(e).isNotNull();
            assertThat(e.problems()).singleElement().satisfies(p -> {
                assertThat(p.path()).isEqualTo("services.auth.build.context");
                assertThat(p.message()).contains("leaves the repository");
            });
        }

        @Test
        void aContextAboveTheRepositoryIsAnError() {
            BakeryConfigException e = failure(() -> resolve("deploy"));
            assertThat(e).isNotNull();
            assertThat(e.problems()).extracting(Problem::path).containsExactly("services.auth.build.context");
        }

        @Test
        void anAbsoluteContextIsNotReadAsRelativeToTheDirectory() {
            String text = """
                    services:
                      app:
                        image: registry.example.com/app:1
                        build: /home/me/src/app
                    """;
            BakeryConfigException e = failure(() -> Fixtures.resolve(PlanRequest.ofCompose(
                    new SourceFile(COMPOSE, text, "deploy"), Map.of())));
            assertThat(e).isNotNull();
            assertThat(e.problems()).singleElement().satisfies(p -> {
                assertThat(p.path()).isEqualTo("services.app.build");
                assertThat(p.message()).contains("must be relative to the repository");
            });
        }
    }

    @Nested
    class AnchorsAndMergeKeys {

        private final Resolution resolution = compose("compose-anchors.yaml", Map.of());

        @Test
        void extensionFieldsAreNotServices() {
            assertThat(services(resolution)).containsExactly("billing", "ledger", "reports");
            assertThat(resolution.warnings()).isEmpty();
        }

        @Test
        void mergedBuildSettingsApplyWithExplicitKeysWinning() {
            BuildPlan billing = plan(resolution, "billing");
            assertThat(billing.tasks()).extracting(BuildTask::id).containsExactly("amd64", "arm64");
            assertThat(billing.tasks()).allSatisfy(t -> {
                assertThat(t.kaniko().contextPath()).isEqualTo("billing");
                assertThat(t.kaniko().dockerfile()).isEqualTo("Dockerfile.shared");
                assertThat(t.kaniko().buildArgs()).containsExactlyInAnyOrderEntriesOf(Map.of(
                        "BASE_IMAGE", "debian:bookworm-slim", "APP_USER", "app"));
                assertThat(t.resources()).isEqualTo(new Resources(2000, 4096));
            });
            // An untagged multi-arch image is published as :latest, each arch beside it.
            assertThat(destinations(billing.task("amd64"))).containsExactly("registry.example.com/mono/billing:latest_amd64");
            assertThat(destinations(billing.index())).containsExactly("registry.example.com/mono/billing:latest");

            BuildPlan ledger = plan(resolution, "ledger");
            assertThat(ledger.tasks()).extracting(BuildTask::id).containsExactly("amd64", "arm64");
            assertThat(ledger.tasks()).allSatisfy(t -> {
                assertThat(t.kaniko().contextPath()).isEqualTo("ledger");
                assertThat(t.kaniko().dockerfile()).isEqualTo("Dockerfile.ledger");
                assertThat(t.kaniko().buildArgs()).containsExactlyInAnyOrderEntriesOf(Map.of(
                        "BASE_IMAGE", "debian:bookworm-slim", "APP_USER", "ledger"));
                assertThat(t.resources()).isEqualTo(new Resources(2000, 8192));
            });
            assertThat(destinations(ledger.index())).containsExactly("registry.example.com/mono/ledger:1.4.0");
            assertThat(ledger.index().taskIds()).containsExactly("amd64", "arm64");
        }

        @Test
        void aliasedScalarsAndListsAreTheirValues() {
            BuildPlan reports = plan(resolution, "reports");
            assertThat(reports.tasks()).extracting(BuildTask::id).containsExactly("amd64", "arm64");
            assertThat(reports.tasks()).allSatisfy(t -> {
                assertThat(t.kaniko().contextPath()).isEqualTo("reports");
                assertThat(t.kaniko().labels()).containsExactlyEntriesOf(Map.of("component", "reports"));
            });
        }

        @Test
        void buildTagsBecomeExtraIndexDestinations() {
            BuildPlan reports = plan(resolution, "reports");
            assertThat(destinations(reports.index())).containsExactly(
                    "registry.example.com/mono/reports:2",
                    "registry.example.com/mono/reports:latest",
                    "registry.example.com/mono/reports:2.0");
            // Each arch is pushed once, under its own tag; the extra tags name the index only.
            assertThat(destinations(reports.task("amd64"))).containsExactly("registry.example.com/mono/reports:2_amd64");
            assertThat(destinations(reports.task("arm64"))).containsExactly("registry.example.com/mono/reports:2_arm64");
        }
    }

    @Nested
    class Tags {

        @Test
        void aSingleImageIsPushedToEveryTag() {
            String text = """
                    services:
                      cli:
                        image: registry.example.com/tools/cli:1.2.3
                        build:
                          context: cli
                          tags: ["1.2", "registry.example.com/tools/cli:1", "mirror.example.com/tools/cli:1.2.3"]
                    """;
            BuildTask task = composeText(text, Map.of()).builds().getFirst().plan().tasks().getFirst();
            assertThat(destinations(task)).containsExactly(
                    "registry.example.com/tools/cli:1.2.3",
                    "registry.example.com/tools/cli:1.2",
                    "registry.example.com/tools/cli:1",
                    "mirror.example.com/tools/cli:1.2.3");
        }

        @Test
        void anIndexTagOfAnotherRepositoryIsAUserError() {
            // An index can only list images of its own repository: say so instead of failing deep inside.
            String text = """
                    services:
                      cli:
                        image: registry.example.com/tools/cli:1.2.3
                        build:
                          context: cli
                          x-bake:
                            platforms: [linux/amd64, linux/arm64]
                          tags:
                            - mirror.example.com/tools/cli:1.2.3
                    """;
            BakeryConfigException e = failure(() -> composeText(text, Map.of()));
            assertThat(e).isNotNull();
            assertThat(e.problems()).singleElement().satisfies(p -> {
                assertThat(p.path()).isEqualTo("services.cli.build.tags[0]");
                assertThat(p.line()).isEqualTo(9);
                assertThat(p.message()).contains("outside registry.example.com/tools/cli")
                        .contains("can only be pushed to tags of its own repository");
            });
        }
    }

    @Nested
    class Interpolation {

        @Test
        void everySpellingIsInterpolatedFromTheRequestEnvironment() {
            String text = """
                    services:
                      app:
                        image: ${HOST}/$TEAM/app:${TAG:-latest}
                        build:
                          context: ${CONTEXT-apps/app}
                          args:
                            BRACED: ${HOST}
                            BARE: $TEAM-suffix
                            DASH_SET_EMPTY: ${EMPTY-fallback}
                            COLON_DASH_SET_EMPTY: ${EMPTY:-fallback}
                            LITERAL: "cost: $$9 ($$HOME)"
                            UNSET: x${NOT_SET}y
                    """;
            Map<String, String> env = Map.of("HOST", "registry.example.com", "TEAM", "core", "EMPTY", "");
            BuildTask task = composeText(text, env).builds().getFirst().plan().tasks().getFirst();
            assertThat(destinations(task)).containsExactly("registry.example.com/core/app:latest");
            assertThat(task.kaniko().contextPath()).isEqualTo("apps/app");
            assertThat(task.kaniko().buildArgs()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "BRACED", "registry.example.com",
                    "BARE", "core-suffix",
                    "DASH_SET_EMPTY", "",
                    "COLON_DASH_SET_EMPTY", "fallback",
                    "LITERAL", "cost: $9 ($HOME)",
                    "UNSET", "xy"));
        }

        @Test
        void aRequiredVariableThatIsMissingIsReportedWhereItIsUsed() {
            String text = """
                    services:
                      app:
                        image: registry.example.com/app:1
                        build:
                          context: .
                          args:
                            - TOKEN_ID=${TOKEN_ID:?export TOKEN_ID first}
                    """;
            BakeryConfigException e = failure(() -> composeText(text, Map.of()));
            assertThat(e).isNotNull();
            assertThat(e.getMessage()).isEqualTo(
                    "compose.yaml:7:11: services.app.build.args[0]: required variable TOKEN_ID is missing a value: export TOKEN_ID first");

            BuildTask task = composeText(text, Map.of("TOKEN_ID", "t-1")).builds().getFirst().plan().tasks().getFirst();
            assertThat(task.kaniko().buildArgs()).containsExactlyEntriesOf(Map.of("TOKEN_ID", "t-1"));
        }

        @Test
        void xBakeValuesAreInterpolatedToo() {
            String text = """
                    services:
                      app:
                        image: registry.example.com/app:1
                        build:
                          context: .
                          x-bake:
                            platforms: ["${PRIMARY:-linux/amd64}", linux/arm64/v8]
                            cpu: ${BUILD_CPU:-2}
                            memory: ${BUILD_MEMORY:-5G}
                    """;
            BuildPlan plan = composeText(text, Map.of("BUILD_CPU", "4", "BUILD_MEMORY", "9G")).builds().getFirst().plan();
            assertThat(plan.tasks()).extracting(BuildTask::ociPlatform).containsExactly("linux/amd64", "linux/arm64/v8");
            assertThat(plan.tasks()).allSatisfy(t -> assertThat(t.resources()).isEqualTo(new Resources(4000, 9216)));
        }
    }

    @Nested
    class ServicePlatform {

        private static final String TEXT = """
                services:
                  probe:
                    image: registry.example.com/probe:1
                    platform: linux/arm64/v8
                    build: probe
                  both:
                    image: registry.example.com/both:1
                    platform: linux/arm64
                    build:
                      context: both
                      platforms: [linux/amd64, linux/arm64]
                  pinned:
                    image: registry.example.com/pinned:1
                    platform: linux/arm64
                    build:
                      context: pinned
                      x-bake:
                        arch: amd64
                """;

        private final Resolution resolution = composeText(TEXT, Map.of());

        @Test
        void theServicePlatformIsBuiltWhenBuildNamesNone() {
            assertThat(plan(resolution, "probe").tasks()).singleElement().satisfies(t -> {
                assertThat(t.id()).isEqualTo("arm64");
                assertThat(t.ociPlatform()).isEqualTo("linux/arm64/v8");
                assertThat(destinations(t)).containsExactly("registry.example.com/probe:1");
            });
        }

        @Test
        void buildPlatformsAndXBakeArchWinOverIt() {
            assertThat(plan(resolution, "both").tasks()).extracting(BuildTask::id).containsExactly("amd64", "arm64");
            assertThat(plan(resolution, "pinned").tasks()).extracting(BuildTask::id).containsExactly("amd64");
        }
    }

    @Nested
    class Errors {

        @Test
        void aServiceWithoutImageNamesTheFix() {
            String text = """
                    services:
                      app:
                        build: .
                    """;
            BakeryConfigException e = failure(() -> composeText(text, Map.of()));
            assertThat(e).isNotNull();
            assertThat(e.getMessage()).contains("missing destination: set image: on service app");
        }

        @Test
        void unsupportedBuildKeysAreWarnedAboutNotSilentlyDropped() {
            String text = """
                    services:
                      app:
                        image: registry.example.com/app:1
                        build:
                          context: .
                          cache_from: [registry.example.com/app:cache]
                    """;
            Resolution resolution = composeText(text, Map.of());
            assertThat(resolution.warnings()).singleElement().satisfies(w -> {
                assertThat(w.path()).isEqualTo("services.app.build.cache_from");
                assertThat(w.message()).contains("cache_from");
            });
        }

        @Test
        void anUnknownPlatformIsAnErrorAtItsListEntry() {
            String text = """
                    services:
                      app:
                        image: registry.example.com/app:1
                        build:
                          context: .
                          platforms: [linux/amd64, linux/s390x]
                    """;
            assertThatThrownBy(() -> composeText(text, Map.of()))
                    .isInstanceOf(BakeryConfigException.class)
                    .hasMessageContaining("services.app.build.platforms[1]")
                    .hasMessageContaining("unknown arch \"linux/s390x\"");
        }
    }
}
