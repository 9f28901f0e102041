package dev.bakery.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the user reads when a config or compose file is wrong. Each case pins the whole rendered
 * message, because file, line, column, key path and the hint are the product here, not the
 * exception type.
 */
class MalformedInputTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void reportsWhatIsWrongAndWhere(PlanRequest request, String expected) {
        assertThatThrownBy(() -> Fixtures.resolve(request))
                .isInstanceOf(BakeryConfigException.class)
                .hasMessage(expected);
    }

    @Test
    void aBadValueInheritedFromGlobalIsReportedOnce() {
        PlanRequest request = config("""
                global:
                  kaniko:
                    destination: registry.example.com/team/app:v1
                  timeout: 1d
                bake:
                - arch: amd64
                - arch: arm64
                """);

        BakeryConfigException e = catchThrowableOfType(BakeryConfigException.class, () -> Fixtures.resolve(request));

        assertThat(e.problems()).hasSize(1);
        assertThat(e).hasMessage(
                "config.yaml:4:12: global.timeout: invalid duration \"1d\": unknown unit \"d\" (use h, m, s or ms)");
    }

    static Stream<Arguments> malformed() {
        return Stream.of(unknownKeys(), wrongShapes(), bake(), architectures(), duplicates(), durations(), sizes(),
                destinations(), credentialsAndSecrets(), kanikoValues(), compose(), yamlSyntax(), severalProblems())
                .flatMap(s -> s);
    }

    private static Stream<Arguments> unknownKeys() {
        return Stream.of(
                bad("snake_case build_args suggests build-args", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                            build_args:
                              GO_VERSION: "1.25"
                        bake:
                        - arch: amd64
                        """),
                        "config.yaml:4:5: global.kaniko.build_args: unknown key \"build_args\": did you mean \"build-args\"?"),
                bad("typo dockerfle in a bake entry suggests dockerfile", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          kaniko:
                            dockerfle: Dockerfile.amd64
                        """),
                        "config.yaml:7:5: bake[0].kaniko.dockerfle: unknown key \"dockerfle\": did you mean \"dockerfile\"?"),
                bad("cpus suggests cpu", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          cpus: 2
                        """),
                        "config.yaml:6:3: bake[0].cpus: unknown key \"cpus\": did you mean \"cpu\"?"),
                bad("pre_script suggests pre-script", config("""
                        global:
                          pre_script: echo hi
                        bake:
                        - arch: amd64
                        """),
                        "config.yaml:2:3: global.pre_script: unknown key \"pre_script\": did you mean \"pre-script\"?"),
                bad("unknown key with nothing near it", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          colour: blue
                        """),
                        "config.yaml:6:3: bake[0].colour: unknown key \"colour\""),
                bad("top-level globals suggests global", config("""
                        globals:
                          arch: amd64
                        bake:
                        - arch: amd64
                        """),
                        "config.yaml:1:1: globals: unknown key \"globals\": did you mean \"global\"?"),
                bad("unknown top-level key", config("""
                        version: 3
                        bake:
                        - arch: amd64
                        """),
                        "config.yaml:1:1: version: unknown key \"version\" (a config file has global and bake)"),
                bad("settings written at top level", config("""
                        arch: amd64
                        kaniko:
                          destination: registry.example.com/team/app:v1
                        bake:
                        - {}
                        """),
                        """
                        config.yaml:1:1: arch: unknown key "arch": settings go under global or a bake entry
                        config.yaml:2:1: kaniko: unknown key "kaniko": settings go under global or a bake entry
                        config.yaml:5:3: bake[0]: missing arch: set arch (amd64 or arm64) here or in global"""),
                bad("unknown key in compose x-bake", compose("""
                        services:
                          app:
                            image: registry.example.com/team/app:v1
                            build:
                              context: .
                              x-bake:
                                cpus: 2
                        """),
                        "compose.yaml:7:9: services.app.build.x-bake.cpus: unknown key \"cpus\": did you mean \"cpu\"?"));
    }

    private static Stream<Arguments> wrongShapes() {
        return Stream.of(
                bad("env written as a list", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          env:
                          - FOO=bar
                        """),
                        "config.yaml:7:3: bake[0].env: expected a map of names to values, found a list"),
                bad("kaniko-credentials written as a map", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                          kaniko-credentials:
                            registry: registry.example.com
                        bake:
                        - arch: amd64
                        """),
                        "config.yaml:5:5: global.kaniko-credentials: expected a list, found a map"),
                bad("bake written as a map", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                          arch: amd64
                        """),
                        "config.yaml:5:3: bake: expected a list of per-architecture entries, found a map"),
                bad("arch written as a list", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: [amd64, arm64]
                        """),
                        "config.yaml:5:9: bake[0].arch: expected a single value, found a list"),
                bad("extra-flags written as a list", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          kaniko:
                            extra-flags: [--cache=true]
                        """),
                        "config.yaml:7:18: bake[0].kaniko.extra-flags: expected a single value, found a list"),
                bad("kaniko written as a single value", config("""
                        global:
                          kaniko: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                        """),
                        "config.yaml:2:11: global.kaniko: expected a map, found a single value"),
                bad("global written as a list", config("""
                        global:
                        - arch: amd64
                        bake:
                        - arch: amd64
                        """),
                        "config.yaml:2:1: global: expected a map of settings, found a list"),
                bad("bake entry written as a single value", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - amd64
                        """),
                        "config.yaml:5:3: bake[0]: expected a map of settings for one architecture, found a single value"),
                bad("spot: yes is not a boolean", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          spot: yes
                        """),
                        "config.yaml:6:9: bake[0].spot: expected true or false, found \"yes\""),
                bad("cache.enable: on is not a boolean", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                            cache:
                              enable: on
                        bake:
                        - arch: amd64
                        """),
                        "config.yaml:5:15: global.kaniko.cache.enable: expected true or false, found \"on\""));
    }

    private static Stream<Arguments> bake() {
        return Stream.of(
                bad("empty bake", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake: []
                        """),
                        "config.yaml:4:7: bake: bake is empty: add at least one entry, e.g. bake: [{arch: amd64}]"),
                bad("missing bake", config("""
                        global:
                          arch: amd64
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        """),
                        "config.yaml:1:1: missing bake: add at least one entry, e.g. bake: [{arch: amd64}]"),
                bad("empty file", config(""),
                        "config.yaml: missing bake: add at least one entry, e.g. bake: [{arch: amd64}]"),
                bad("index-format in a bake entry", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          index-format: docker
                        - arch: arm64
                        """),
                        "config.yaml:6:3: bake[0].index-format: index-format applies to the whole build: set it in global"),
                bad("services selected without a compose file",
                        new PlanRequest(SourceFile.of("config.yaml", """
                                bake:
                                - arch: amd64
                                """), null, List.of("app"), Map.of(), null),
                        "services can only be selected from a compose file, and none was given (selected: app)"));
    }

    private static Stream<Arguments> architectures() {
        return Stream.of(
                bad("missing arch", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - platform: ecs
                        """),
                        "config.yaml:5:3: bake[0]: missing arch: set arch (amd64 or arm64) here or in global"),
                bad("arch x86_64 suggests amd64", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: x86_64
                        """),
                        "config.yaml:5:9: bake[0].arch: unknown arch \"x86_64\": did you mean \"amd64\"?"),
                bad("arch ppc64le", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: ppc64le
                        """),
                        "config.yaml:5:9: bake[0].arch: unknown arch \"ppc64le\" (use amd64 or arm64)"),
                bad("platform fargate", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          platform: fargate
                        """),
                        "config.yaml:6:13: bake[0].platform: unknown platform \"fargate\" (use ecs or k8s)"),
                bad("compose platform windows/amd64", compose("""
                        services:
                          app:
                            image: registry.example.com/team/app:v1
                            build:
                              context: .
                              x-bake:
                                platforms:
                                - linux/amd64
                                - windows/amd64
                        """),
                        "compose.yaml:9:11: services.app.build.x-bake.platforms[1]: unsupported platform \"windows/amd64\":"
                                + " only linux images can be built"),
                bad("compose platform linux/arm64/8", compose("""
                        services:
                          app:
                            image: registry.example.com/team/app:v1
                            build:
                              context: .
                              platforms: [linux/arm64/8]
                        """),
                        "compose.yaml:6:19: services.app.build.platforms[0]: invalid variant \"8\" in \"linux/arm64/8\""
                                + " (use e.g. v8)"),
                bad("compose platforms written as a single value", compose("""
                        services:
                          app:
                            image: registry.example.com/team/app:v1
                            build:
                              context: .
                              platforms: linux/amd64
                        """),
                        "compose.yaml:6:18: services.app.build.platforms: expected a list of platforms such as"
                                + " [linux/amd64, linux/arm64], found a single value"),
                bad("custom-platform windows/amd64", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          kaniko:
                            custom-platform: windows/amd64
                        """),
                        "config.yaml:7:22: bake[0].kaniko.custom-platform: unsupported platform \"windows/amd64\":"
                                + " only linux images can be built"));
    }

    private static Stream<Arguments> duplicates() {
        return Stream.of(
                bad("duplicate service name in compose", compose("""
                        services:
                          app:
                            image: registry.example.com/team/app:v1
                            build: .
                          app:
                            image: registry.example.com/team/other:v1
                            build: ./other
                        """),
                        "compose.yaml:5:3: services.app: duplicate key \"app\" (first defined at line 2)"),
                bad("duplicate key in a bake entry", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          arch: arm64
                        """),
                        "config.yaml:6:3: bake[0].arch: duplicate key \"arch\" (first defined at line 5)"));
    }

    private static Stream<Arguments> durations() {
        return Stream.of(
                bad("timeout in days", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          timeout: 1d
                        """),
                        "config.yaml:6:12: bake[0].timeout: invalid duration \"1d\": unknown unit \"d\" (use h, m, s or ms)"),
                bad("timeout without unit", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          timeout: 90
                        """),
                        "config.yaml:6:12: bake[0].timeout: invalid duration \"90\": missing unit (use e.g. 90s, 10m, 1h30m)"),
                bad("timeout zero", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          timeout: 0s
                        """),
                        "config.yaml:6:12: bake[0].timeout: timeout must be between 1s and 24h, not 0s"),
                bad("timeout over a day", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          timeout: 25h
                        """),
                        "config.yaml:6:12: bake[0].timeout: timeout must be between 1s and 24h, not 25h"),
                bad("cache ttl not a duration", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                            cache:
                              enable: true
                              ttl: abc
                        bake:
                        - arch: amd64
                        """),
                        "config.yaml:6:12: global.kaniko.cache.ttl: invalid duration \"abc\" (use e.g. 90s, 10m, 1h30m)"),
                bad("cache ttl in days", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                            cache:
                              ttl: 1d
                        bake:
                        - arch: amd64
                        """),
                        "config.yaml:5:12: global.kaniko.cache.ttl: invalid duration \"1d\": unknown unit \"d\""
                                + " (use h, m, s or ms)"),
                bad("cache ttl without unit", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          kaniko:
                            cache:
                              ttl: 90
                        """),
                        "config.yaml:8:12: bake[0].kaniko.cache.ttl: invalid duration \"90\": missing unit"
                                + " (use e.g. 90s, 10m, 1h30m)"),
                bad("cache ttl zero", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          kaniko:
                            cache:
                              ttl: 0s
                        """),
                        "config.yaml:8:12: bake[0].kaniko.cache.ttl: cache ttl must be longer than 0s"));
    }

    private static Stream<Arguments> sizes() {
        return Stream.of(
                bad("cpu beyond Fargate", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          cpu: 32
                        """),
                        "config.yaml:6:8: bake[0].cpu: no Fargate size has 32 vCPU: valid cpu values are"
                                + " 0.25, 0.5, 1, 2, 4, 8, 16"),
                bad("memory beyond Fargate", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          memory: 200G
                        """),
                        "config.yaml:6:11: bake[0].memory: no Fargate size has 200 GiB memory (the largest is 120 GiB):"
                                + " valid sizes are 0.25 vCPU with 512 MiB, 1 GiB or 2 GiB;"
                                + " 0.5 vCPU with 1-4 GiB in 1 GiB steps; 1 vCPU with 2-8 GiB in 1 GiB steps;"
                                + " 2 vCPU with 4-16 GiB in 1 GiB steps; 4 vCPU with 8-30 GiB in 1 GiB steps;"
                                + " 8 vCPU with 16-60 GiB in 4 GiB steps; 16 vCPU with 32-120 GiB in 8 GiB steps"),
                bad("cpu as a word", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          cpu: two
                        """),
                        "config.yaml:6:8: bake[0].cpu: invalid cpu \"two\": use vCPUs such as 0.5, 1, 2 or millicores"
                                + " such as 500m"),
                bad("cpu zero", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          cpu: 0
                        """),
                        "config.yaml:6:8: bake[0].cpu: cpu must be greater than 0"),
                bad("memory in terabytes", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          memory: 2 TB
                        """),
                        "config.yaml:6:11: bake[0].memory: invalid memory \"2 TB\": use e.g. 512M, 2G or 2048 (MiB)"));
    }

    private static Stream<Arguments> destinations() {
        return Stream.of(
                bad("destination is a digest", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app@sha256:%s
                        bake:
                        - arch: amd64
                        """.formatted(SHA256_HEX)),
                        "config.yaml:3:18: global.kaniko.destination: a destination cannot be a digest"
                                + " (registry.example.com/team/app@sha256:" + SHA256_HEX + "): name a tag instead"),
                bad("destination with an uppercase repository", config("""
                        bake:
                        - arch: amd64
                          kaniko:
                            destination: registry.example.com/Team/App:v1
                        """),
                        "config.yaml:4:18: bake[0].kaniko.destination: invalid image reference"
                                + " \"registry.example.com/Team/App:v1\": repository name must be lowercase"),
                bad("destination empty", config("""
                        global:
                          kaniko:
                            destination: ""
                        bake:
                        - arch: amd64
                        """),
                        "config.yaml:3:18: global.kaniko.destination: empty image reference"),
                bad("no destination anywhere, reported per bake entry", config("""
                        global:
                          arch: amd64
                        bake:
                        - arch: amd64
                        - arch: arm64
                        """),
                        """
                        config.yaml:4:3: bake[0]: missing destination: set kaniko.destination in global or in this bake entry
                        config.yaml:5:3: bake[1]: missing destination: set kaniko.destination in global or in this bake entry"""),
                bad("compose service without image", compose("""
                        services:
                          app:
                            build: .
                        """),
                        "compose.yaml:3:5: services.app: missing destination: set image: on service app"));
    }

    private static Stream<Arguments> credentialsAndSecrets() {
        return Stream.of(
                bad("credential with both password and secret", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                          kaniko-credentials:
                          - registry: registry.example.com
                            username: builder
                            password: hunter2
                            secret: bakery/registry
                        bake:
                        - arch: amd64
                        """),
                        "config.yaml:8:13: global.kaniko-credentials[0].secret: give either password or secret, not both"),
                bad("credential without password or secret", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                          kaniko-credentials:
                          - registry: registry.example.com
                            username: builder
                        bake:
                        - arch: amd64
                        """),
                        "config.yaml:5:5: global.kaniko-credentials[0]: missing password or secret (a Secrets Manager"
                                + " name or ARN) for registry.example.com"),
                bad("credential with password but no username", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                          kaniko-credentials:
                          - registry: registry.example.com
                            password: hunter2
                        bake:
                        - arch: amd64
                        """),
                        "config.yaml:5:5: global.kaniko-credentials[0]: missing username for registry.example.com"),
                bad("duplicate secret ids", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                          secrets:
                          - id: npmrc
                            secret: bakery/npmrc
                          - id: npmrc
                            secret: bakery/npmrc-ci
                        bake:
                        - arch: amd64
                        """),
                        "config.yaml:7:9: global.secrets[1].id: secret id \"npmrc\" appears twice"));
    }

    private static Stream<Arguments> kanikoValues() {
        return Stream.of(
                bad("unknown index-format", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                          index-format: v2
                        bake:
                        - arch: amd64
                        - arch: arm64
                        """),
                        "config.yaml:4:17: global.index-format: unknown index-format \"v2\" (use oci or docker)"),
                bad("unknown snapshot-mode", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          kaniko:
                            snapshot-mode: fast
                        """),
                        "config.yaml:7:20: bake[0].kaniko.snapshot-mode: unknown snapshot-mode \"fast\""
                                + " (use full, redo or time)"),
                bad("unbalanced quote in extra-flags", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          kaniko:
                            extra-flags: --label "team=core
                        """),
                        "config.yaml:7:18: bake[0].kaniko.extra-flags: unterminated double quote in"
                                + " \"--label \"team=core\""),
                bad("context-path escaping the repository", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          kaniko:
                            context-path: ../x
                        """),
                        "config.yaml:7:19: bake[0].kaniko.context-path: context path \"../x\" leaves the repository"),
                bad("env name starting with a digit", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          env:
                            1FOO: bar
                        """),
                        "config.yaml:7:11: bake[0].env.1FOO: invalid name \"1FOO\" in env (letters, digits and _,"
                                + " not starting with a digit)"));
    }

    private static Stream<Arguments> compose() {
        return Stream.of(
                bad("unknown --services name lists the available ones", compose("""
                        services:
                          app:
                            image: registry.example.com/team/app:v1
                            build: .
                          db:
                            image: postgres:16
                        """, Map.of(), List.of("web")),
                        "compose.yaml:2:3: services: unknown service \"web\" (available: app, db)"),
                bad("selected service without build", compose("""
                        services:
                          app:
                            image: registry.example.com/team/app:v1
                            build: .
                          db:
                            image: postgres:16
                        """, Map.of(), List.of("db")),
                        "compose.yaml:6:5: services.db: service \"db\" has no build section"),
                bad("no service has a build section", compose("""
                        services:
                          db:
                            image: postgres:16
                        """),
                        "compose.yaml:2:3: services: no service has a build section, so there is nothing to build"),
                bad("build written as a list", compose("""
                        services:
                          app:
                            image: registry.example.com/team/app:v1
                            build:
                            - .
                        """),
                        "compose.yaml:5:5: services.app.build: expected a directory or a map with context, dockerfile,"
                                + " args, ..., found a list"),
                bad("services written as a list", compose("""
                        services:
                        - app
                        """),
                        "compose.yaml:2:1: services: expected a map of service names to services, found a list"),
                bad("x-bake written as a single value", compose("""
                        services:
                          app:
                            image: registry.example.com/team/app:v1
                            build:
                              context: .
                              x-bake: linux/amd64
                        """),
                        "compose.yaml:6:15: services.app.build.x-bake: expected a map (x-bake: {platforms: [...]}),"
                                + " found a single value"),
                bad("required variable not set", compose("""
                        services:
                          app:
                            build: .
                            image: registry.example.com/team/app:${TAG:?must be set}
                        """),
                        "compose.yaml:4:12: services.app.image: required variable TAG is missing a value: must be set"),
                bad("unclosed interpolation", compose("""
                        services:
                          app:
                            build: .
                            image: registry.example.com/team/app:${
                        """),
                        "compose.yaml:4:12: services.app.image: invalid interpolation format in"
                                + " \"registry.example.com/team/app:${\": missing closing brace"),
                bad("remote build context", compose("""
                        services:
                          app:
                            image: registry.example.com/team/app:v1
                            build:
                              context: https://github.com/example/app.git#main
                        """),
                        "compose.yaml:5:16: services.app.build.context: remote build contexts are not supported:"
                                + " use a directory of the repository"),
                bad("compose context escaping the repository", compose("""
                        services:
                          app:
                            image: registry.example.com/team/app:v1
                            build:
                              context: ../x
                        """),
                        "compose.yaml:5:16: services.app.build.context: context path \"../x\" leaves the repository"),
                bad("compose file that is a list", compose("""
                        - app
                        """),
                        "compose.yaml:1:1: a compose file is a map with services, found a list"));
    }

    private static Stream<Arguments> yamlSyntax() {
        return Stream.of(
                bad("key indented out of its block", config("""
                        global:
                          arch: amd64
                         kaniko:
                            dockerfile: Dockerfile
                        bake:
                        - arch: amd64
                        """),
                        "config.yaml:3:2: not valid YAML: expected <block end>, but found '<block mapping start>'"
                                + " (while parsing a block mapping started at line 1); check the indentation"),
                bad("unclosed flow map", config("""
                        global:
                          env: {A: 1
                        bake:
                        - arch: amd64
                        """),
                        "config.yaml:3:5: not valid YAML: expected ',' or '}', but got : (while parsing a flow mapping"
                                + " started at line 2)"),
                bad("unclosed quote", config("""
                        global:
                          env:
                            A: "abc
                        bake:
                        - arch: amd64
                        """),
                        "config.yaml:6:1: not valid YAML: found unexpected end of stream (while scanning a quoted scalar"
                                + " started at line 3)"),
                bad("tab indentation", config("global:\n\tarch: amd64\nbake:\n- arch: amd64\n"),
                        "config.yaml:2:1: not valid YAML: found character '\\t(TAB)' that cannot start any token."
                                + " (Do not use \\t(TAB) for indentation) (while scanning for the next token)"),
                bad("config file that is a list", config("""
                        - arch: amd64
                        - arch: arm64
                        """),
                        "config.yaml:1:1: a config file is a map with global and bake, found a list"),
                bad("config file that is a single value", config("""
                        just some text
                        """),
                        "config.yaml:1:1: a config file is a map with global and bake, found a single value"));
    }

    private static Stream<Arguments> severalProblems() {
        return Stream.of(
                bad("two bad values in one bake entry", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          memory: lots
                          timeout: 1d
                        """),
                        """
                        config.yaml:6:11: bake[0].memory: invalid memory "lots": use e.g. 512M, 2G or 2048 (MiB)
                        config.yaml:7:12: bake[0].timeout: invalid duration "1d": unknown unit "d" (use h, m, s or ms)"""),
                bad("one bad value in each of two bake entries", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: x86_64
                        - arch: arm64
                          platform: fargate
                        """),
                        """
                        config.yaml:5:9: bake[0].arch: unknown arch "x86_64": did you mean "amd64"?
                        config.yaml:7:13: bake[1].platform: unknown platform "fargate" (use ecs or k8s)"""),
                bad("two unknown keys at different depths", config("""
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                          cpus: 2
                          kaniko:
                            dockerfle: Dockerfile.amd64
                        """),
                        """
                        config.yaml:6:3: bake[0].cpus: unknown key "cpus": did you mean "cpu"?
                        config.yaml:8:5: bake[0].kaniko.dockerfle: unknown key "dockerfle": did you mean "dockerfile"?"""));
    }

    private static final String SHA256_HEX = "0123456789abcdef".repeat(4);

    private static Arguments bad(String name, PlanRequest request, String expected) {
        return arguments(named(name, request), expected);
    }

    private static PlanRequest config(String yaml) {
        return PlanRequest.ofConfig(SourceFile.of("config.yaml", yaml));
    }

    private static PlanRequest compose(String yaml) {
        return compose(yaml, Map.of(), List.of());
    }

    private static PlanRequest compose(String yaml, Map<String, String> environment, List<String> services) {
        return PlanRequest.ofCompose(SourceFile.of("compose.yaml", yaml), environment).withServices(services);
    }
}
