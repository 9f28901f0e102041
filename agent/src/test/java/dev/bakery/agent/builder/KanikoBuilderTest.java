package dev.bakery.agent.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.BuildTask;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each case is a config.yaml resolved through core, exactly as the server resolves it, and the
 * exact argv Kaniko gets for one of its tasks.
 */
class KanikoBuilderTest {

    private static final Path WORKSPACE = Path.of("/workspace");
    private static final Path DIGEST_FILE = Path.of("/kaniko/bakery/digest");

    /**
     * @param taskId   which task of the plan
     * @param expected the whole argv after {@code /kaniko/executor}
     */
    record Case(String name, String yaml, String taskId, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                new Case("single arch: defaults, one destination, automatic platform args for amd64", """
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                        bake:
                        - arch: amd64
                        """, "amd64", List.of(
                        "--context=dir:///workspace",
                        "--dockerfile=/workspace/Dockerfile",
                        "--destination=registry.example.com/team/app:v1",
                        "--digest-file=/kaniko/bakery/digest",
                        "--build-arg=BUILDARCH=amd64",
                        "--build-arg=BUILDOS=linux",
                        "--build-arg=BUILDPLATFORM=linux/amd64",
                        "--build-arg=TARGETARCH=amd64",
                        "--build-arg=TARGETOS=linux",
                        "--build-arg=TARGETPLATFORM=linux/amd64",
                        "--build-arg=TARGETVARIANT=",
                        "--ignore-path=/workspace",
                        "--push-retry=3")),

                new Case("automatic platform args for arm64/v8; untagged destination says :latest", """
                        global:
                          kaniko:
                            destination: localhost:5000/app
                        bake:
                        - arch: arm64/v8
                        """, "arm64", List.of(
                        "--context=dir:///workspace",
                        "--dockerfile=/workspace/Dockerfile",
                        "--destination=localhost:5000/app:latest",
                        "--digest-file=/kaniko/bakery/digest",
                        "--build-arg=BUILDARCH=arm64",
                        "--build-arg=BUILDOS=linux",
                        "--build-arg=BUILDPLATFORM=linux/arm64/v8",
                        "--build-arg=TARGETARCH=arm64",
                        "--build-arg=TARGETOS=linux",
                        "--build-arg=TARGETPLATFORM=linux/arm64/v8",
                        "--build-arg=TARGETVARIANT=v8",
                        "--ignore-path=/workspace",
                        "--push-retry=3")),

                new Case("context-path relative to the workspace, dockerfile relative to the context", """
                        global:
                          kaniko:
                            destination: registry.example.com/app:1
                            context-path: services/api
                            dockerfile: docker/Dockerfile.prod
                        bake:
                        - arch: amd64
                        """, "amd64", List.of(
                        "--context=dir:///workspace/services/api",
                        "--dockerfile=/workspace/services/api/docker/Dockerfile.prod",
                        "--destination=registry.example.com/app:1",
                        "--digest-file=/kaniko/bakery/digest",
                        "--build-arg=BUILDARCH=amd64",
                        "--build-arg=BUILDOS=linux",
                        "--build-arg=BUILDPLATFORM=linux/amd64",
                        "--build-arg=TARGETARCH=amd64",
                        "--build-arg=TARGETOS=linux",
                        "--build-arg=TARGETPLATFORM=linux/amd64",
                        "--build-arg=TARGETVARIANT=",
                        "--ignore-path=/workspace",
                        "--push-retry=3")),

                new Case("context-path written as the original's /workspace/src; absolute dockerfile kept", """
                        global:
                          kaniko:
                            destination: registry.example.com/app:1
                            context-path: /workspace/src
                            dockerfile: /workspace/build/Dockerfile
                        bake:
                        - arch: amd64
                        """, "amd64", List.of(
                        "--context=dir:///workspace/src",
                        "--dockerfile=/workspace/build/Dockerfile",
                        "--destination=registry.example.com/app:1",
                        "--digest-file=/kaniko/bakery/digest",
                        "--build-arg=BUILDARCH=amd64",
                        "--build-arg=BUILDOS=linux",
                        "--build-arg=BUILDPLATFORM=linux/amd64",
                        "--build-arg=TARGETARCH=amd64",
                        "--build-arg=TARGETOS=linux",
                        "--build-arg=TARGETPLATFORM=linux/amd64",
                        "--build-arg=TARGETVARIANT=",
                        "--ignore-path=/workspace",
                        "--push-retry=3")),

                new Case("context-path /workspace/src with a relative dockerfile", """
                        global:
                          kaniko:
                            destination: registry.example.com/app:1
                            context-path: /workspace/src
                            dockerfile: Dockerfile.arm64
                        bake:
                        - arch: amd64
                        """, "amd64", List.of(
                        "--context=dir:///workspace/src",
                        "--dockerfile=/workspace/src/Dockerfile.arm64",
                        "--destination=registry.example.com/app:1",
                        "--digest-file=/kaniko/bakery/digest",
                        "--build-arg=BUILDARCH=amd64",
                        "--build-arg=BUILDOS=linux",
                        "--build-arg=BUILDPLATFORM=linux/amd64",
                        "--build-arg=TARGETARCH=amd64",
                        "--build-arg=TARGETOS=linux",
                        "--build-arg=TARGETPLATFORM=linux/amd64",
                        "--build-arg=TARGETVARIANT=",
                        "--ignore-path=/workspace",
                        "--push-retry=3")),

                new Case("build-args: commas, '=', spaces and a newline survive as one element each; bake merges", """
                        global:
                          kaniko:
                            destination: registry.example.com/app:1
                            build-args:
                              LIST: "a,b,c"
                              PAIRS: "x=1,y=2"
                              GREETING: "hello,  big world "
                              SCRIPT: "line one\\nline two"
                        bake:
                        - arch: amd64
                          kaniko:
                            build-args:
                              LIST: "overridden,by bake"
                              EMPTY: ""
                        """, "amd64", List.of(
                        "--context=dir:///workspace",
                        "--dockerfile=/workspace/Dockerfile",
                        "--destination=registry.example.com/app:1",
                        "--digest-file=/kaniko/bakery/digest",
                        "--build-arg=BUILDARCH=amd64",
                        "--build-arg=BUILDOS=linux",
                        "--build-arg=BUILDPLATFORM=linux/amd64",
                        "--build-arg=EMPTY=",
                        "--build-arg=GREETING=hello,  big world ",
                        "--build-arg=LIST=overridden,by bake",
                        "--build-arg=PAIRS=x=1,y=2",
                        "--build-arg=SCRIPT=line one\nline two",
                        "--build-arg=TARGETARCH=amd64",
                        "--build-arg=TARGETOS=linux",
                        "--build-arg=TARGETPLATFORM=linux/amd64",
                        "--build-arg=TARGETVARIANT=",
                        "--ignore-path=/workspace",
                        "--push-retry=3")),

                new Case("a user's TARGETARCH wins over the automatic one", """
                        global:
                          kaniko:
                            destination: registry.example.com/app:1
                            build-args:
                              TARGETARCH: x86_64
                        bake:
                        - arch: amd64
                        """, "amd64", List.of(
                        "--context=dir:///workspace",
                        "--dockerfile=/workspace/Dockerfile",
                        "--destination=registry.example.com/app:1",
                        "--digest-file=/kaniko/bakery/digest",
                        "--build-arg=BUILDARCH=amd64",
                        "--build-arg=BUILDOS=linux",
                        "--build-arg=BUILDPLATFORM=linux/amd64",
                        "--build-arg=TARGETARCH=x86_64",
                        "--build-arg=TARGETOS=linux",
                        "--build-arg=TARGETPLATFORM=linux/amd64",
                        "--build-arg=TARGETVARIANT=",
                        "--ignore-path=/workspace",
                        "--push-retry=3")),

                new Case("single arch: tags are extra destinations after the main one", """
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v1
                            tags: [stable, "mirror.example.com/team/app:v1"]
                        bake:
                        - arch: amd64
                        """, "amd64", List.of(
                        "--context=dir:///workspace",
                        "--dockerfile=/workspace/Dockerfile",
                        "--destination=registry.example.com/team/app:v1",
                        "--destination=registry.example.com/team/app:stable",
                        "--destination=mirror.example.com/team/app:v1",
                        "--digest-file=/kaniko/bakery/digest",
                        "--build-arg=BUILDARCH=amd64",
                        "--build-arg=BUILDOS=linux",
                        "--build-arg=BUILDPLATFORM=linux/amd64",
                        "--build-arg=TARGETARCH=amd64",
                        "--build-arg=TARGETOS=linux",
                        "--build-arg=TARGETPLATFORM=linux/amd64",
                        "--build-arg=TARGETVARIANT=",
                        "--ignore-path=/workspace",
                        "--push-retry=3")),

                new Case("multi-arch, amd64 task: pushes <tag>_amd64 only (tags go to the index)", """
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v2
                            tags: [stable]
                        bake:
                        - arch: amd64
                        - arch: arm64/v8
                        """, "amd64", List.of(
                        "--context=dir:///workspace",
                        "--dockerfile=/workspace/Dockerfile",
                        "--destination=registry.example.com/team/app:v2_amd64",
                        "--digest-file=/kaniko/bakery/digest",
                        "--build-arg=BUILDARCH=amd64",
                        "--build-arg=BUILDOS=linux",
                        "--build-arg=BUILDPLATFORM=linux/amd64",
                        "--build-arg=TARGETARCH=amd64",
                        "--build-arg=TARGETOS=linux",
                        "--build-arg=TARGETPLATFORM=linux/amd64",
                        "--build-arg=TARGETVARIANT=",
                        "--ignore-path=/workspace",
                        "--push-retry=3")),

                new Case("multi-arch, arm64 task: pushes <tag>_arm64 with its own platform args", """
                        global:
                          kaniko:
                            destination: registry.example.com/team/app:v2
                            tags: [stable]
                        bake:
                        - arch: amd64
                        - arch: arm64/v8
                        """, "arm64", List.of(
                        "--context=dir:///workspace",
                        "--dockerfile=/workspace/Dockerfile",
                        "--destination=registry.example.com/team/app:v2_arm64",
                        "--digest-file=/kaniko/bakery/digest",
                        "--build-arg=BUILDARCH=arm64",
                        "--build-arg=BUILDOS=linux",
                        "--build-arg=BUILDPLATFORM=linux/arm64/v8",
                        "--build-arg=TARGETARCH=arm64",
                        "--build-arg=TARGETOS=linux",
                        "--build-arg=TARGETPLATFORM=linux/arm64/v8",
                        "--build-arg=TARGETVARIANT=v8",
                        "--ignore-path=/workspace",
                        "--push-retry=3")),

                new Case("target and labels (sorted, values with '=' and spaces kept)", """
                        global:
                          kaniko:
                            destination: registry.example.com/app:1
                            target: runtime
                            labels:
                              org.opencontainers.image.source: https://example.com/team/app
                              maintainer: "Team A <a@example.com>"
                              build.note: "k=v, with spaces"
                        bake:
                        - arch: amd64
                        """, "amd64", List.of(
                        "--context=dir:///workspace",
                        "--dockerfile=/workspace/Dockerfile",
                        "--destination=registry.example.com/app:1",
                        "--digest-file=/kaniko/bakery/digest",
                        "--build-arg=BUILDARCH=amd64",
                        "--build-arg=BUILDOS=linux",
                        "--build-arg=BUILDPLATFORM=linux/amd64",
                        "--build-arg=TARGETARCH=amd64",
                        "--build-arg=TARGETOS=linux",
                        "--build-arg=TARGETPLATFORM=linux/amd64",
                        "--build-arg=TARGETVARIANT=",
                        "--target=runtime",
                        "--label=build.note=k=v, with spaces",
                        "--label=maintainer=Team A <a@example.com>",
                        "--label=org.opencontainers.image.source=https://example.com/team/app",
                        "--ignore-path=/workspace",
                        "--push-retry=3")),

                new Case("cache: every field", """
                        global:
                          kaniko:
                            destination: registry.example.com/app:1
                            cache:
                              enable: true
                              repo: cache.example.com/app/cache
                              ttl: 24h
                              copy-layers: true
                              run-layers: false
                              compressed: false
                        bake:
                        - arch: amd64
                        """, "amd64", List.of(
                        "--context=dir:///workspace",
                        "--dockerfile=/workspace/Dockerfile",
                        "--destination=registry.example.com/app:1",
                        "--digest-file=/kaniko/bakery/digest",
                        "--build-arg=BUILDARCH=amd64",
                        "--build-arg=BUILDOS=linux",
                        "--build-arg=BUILDPLATFORM=linux/amd64",
                        "--build-arg=TARGETARCH=amd64",
                        "--build-arg=TARGETOS=linux",
                        "--build-arg=TARGETPLATFORM=linux/amd64",
                        "--build-arg=TARGETVARIANT=",
                        "--cache=true",
                        "--cache-repo=cache.example.com/app/cache",
                        "--cache-ttl=24h",
                        "--cache-copy-layers=true",
                        "--cache-run-layers=false",
                        "--compressed-caching=false",
                        "--ignore-path=/workspace",
                        "--push-retry=3")),

                new Case("cache: run-layers and compressed true, copy-layers false, ttl in Go form", """
                        global:
                          kaniko:
                            destination: registry.example.com/app:1
                            cache:
                              enable: true
                              ttl: 90m
                              copy-layers: false
                              run-layers: true
                              compressed: true
                        bake:
                        - arch: amd64
                        """, "amd64", List.of(
                        "--context=dir:///workspace",
                        "--dockerfile=/workspace/Dockerfile",
                        "--destination=registry.example.com/app:1",
                        "--digest-file=/kaniko/bakery/digest",
                        "--build-arg=BUILDARCH=amd64",
                        "--build-arg=BUILDOS=linux",
                        "--build-arg=BUILDPLATFORM=linux/amd64",
                        "--build-arg=TARGETARCH=amd64",
                        "--build-arg=TARGETOS=linux",
                        "--build-arg=TARGETPLATFORM=linux/amd64",
                        "--build-arg=TARGETVARIANT=",
                        "--cache=true",
                        "--cache-ttl=1h30m",
                        "--cache-run-layers=true",
                        "--compressed-caching=true",
                        "--ignore-path=/workspace",
                        "--push-retry=3")),

                new Case("cache: enable alone leaves every other choice to Kaniko", """
                        global:
                          kaniko:
                            destination: registry.example.com/app:1
                            cache: {enable: true}
                        bake:
                        - arch: amd64
                        """, "amd64", List.of(
                        "--context=dir:///workspace",
                        "--dockerfile=/workspace/Dockerfile",
                        "--destination=registry.example.com/app:1",
                        "--digest-file=/kaniko/bakery/digest",
                        "--build-arg=BUILDARCH=amd64",
                        "--build-arg=BUILDOS=linux",
                        "--build-arg=BUILDPLATFORM=linux/amd64",
                        "--build-arg=TARGETARCH=amd64",
                        "--build-arg=TARGETOS=linux",
                        "--build-arg=TARGETPLATFORM=linux/amd64",
                        "--build-arg=TARGETVARIANT=",
                        "--cache=true",
                        "--ignore-path=/workspace",
                        "--push-retry=3")),

                new Case("cache: disabled emits no cache flag even with every field set; bake can disable", """
                        global:
                          kaniko:
                            destination: registry.example.com/app:1
                            cache:
                              enable: true
                              repo: cache.example.com/app/cache
                              ttl: 24h
                              copy-layers: true
                              run-layers: true
                              compressed: false
                        bake:
                        - arch: amd64
                          kaniko:
                            cache:
                              enable: false
                              repo: cache.example.com/app/cache
                              ttl: 24h
                              copy-layers: true
                              run-layers: true
                              compressed: false
                        """, "amd64", List.of(
                        "--context=dir:///workspace",
                        "--dockerfile=/workspace/Dockerfile",
                        "--destination=registry.example.com/app:1",
                        "--digest-file=/kaniko/bakery/digest",
                        "--build-arg=BUILDARCH=amd64",
                        "--build-arg=BUILDOS=linux",
                        "--build-arg=BUILDPLATFORM=linux/amd64",
                        "--build-arg=TARGETARCH=amd64",
                        "--build-arg=TARGETOS=linux",
                        "--build-arg=TARGETPLATFORM=linux/amd64",
                        "--build-arg=TARGETVARIANT=",
                        "--ignore-path=/workspace",
                        "--push-retry=3")),

                new Case("snapshot-mode, use-new-run, cleanup", """
                        global:
                          kaniko:
                            destination: registry.example.com/app:1
                            snapshot-mode: redo
                            use-new-run: true
                            cleanup: true
                        bake:
                        - arch: amd64
                        """, "amd64", List.of(
                        "--context=dir:///workspace",
                        "--dockerfile=/workspace/Dockerfile",
                        "--destination=registry.example.com/app:1",
                        "--digest-file=/kaniko/bakery/digest",
                        "--build-arg=BUILDARCH=amd64",
                        "--build-arg=BUILDOS=linux",
                        "--build-arg=BUILDPLATFORM=linux/amd64",
                        "--build-arg=TARGETARCH=amd64",
                        "--build-arg=TARGETOS=linux",
                        "--build-arg=TARGETPLATFORM=linux/amd64",
                        "--build-arg=TARGETVARIANT=",
                        "--snapshot-mode=redo",
                        "--use-new-run",
                        "--cleanup",
                        "--ignore-path=/workspace",
                        "--push-retry=3")),

                new Case("use-new-run and cleanup false emit nothing", """
                        global:
                          kaniko:
                            destination: registry.example.com/app:1
                            snapshot-mode: full
                            use-new-run: false
                            cleanup: false
                        bake:
                        - arch: amd64
                        """, "amd64", List.of(
                        "--context=dir:///workspace",
                        "--dockerfile=/workspace/Dockerfile",
                        "--destination=registry.example.com/app:1",
                        "--digest-file=/kaniko/bakery/digest",
                        "--build-arg=BUILDARCH=amd64",
                        "--build-arg=BUILDOS=linux",
                        "--build-arg=BUILDPLATFORM=linux/amd64",
                        "--build-arg=TARGETARCH=amd64",
                        "--build-arg=TARGETOS=linux",
                        "--build-arg=TARGETPLATFORM=linux/amd64",
                        "--build-arg=TARGETVARIANT=",
                        "--snapshot-mode=full",
                        "--ignore-path=/workspace",
                        "--push-retry=3")),

                new Case("custom-platform in full form", """
                        global:
                          kaniko:
                            destination: registry.example.com/app:1
                            custom-platform: linux/amd64
                        bake:
                        - arch: amd64
                        """, "amd64", List.of(
                        "--context=dir:///workspace",
                        "--dockerfile=/workspace/Dockerfile",
                        "--destination=registry.example.com/app:1",
                        "--digest-file=/kaniko/bakery/digest",
                        "--build-arg=BUILDARCH=amd64",
                        "--build-arg=BUILDOS=linux",
                        "--build-arg=BUILDPLATFORM=linux/amd64",
                        "--build-arg=TARGETARCH=amd64",
                        "--build-arg=TARGETOS=linux",
                        "--build-arg=TARGETPLATFORM=linux/amd64",
                        "--build-arg=TARGETVARIANT=",
                        "--custom-platform=linux/amd64",
                        "--ignore-path=/workspace",
                        "--push-retry=3")),

                new Case("custom-platform in short form is spelled out for Kaniko (which reads 'arm64' as an OS)", """
                        global:
                          kaniko:
                            destination: registry.example.com/app:1
                            custom-platform: arm64/v8
                        bake:
                        - arch: arm64/v8
                        """, "arm64", List.of(
                        "--context=dir:///workspace",
                        "--dockerfile=/workspace/Dockerfile",
                        "--destination=registry.example.com/app:1",
                        "--digest-file=/kaniko/bakery/digest",
                        "--build-arg=BUILDARCH=arm64",
                        "--build-arg=BUILDOS=linux",
                        "--build-arg=BUILDPLATFORM=linux/arm64/v8",
                        "--build-arg=TARGETARCH=arm64",
                        "--build-arg=TARGETOS=linux",
                        "--build-arg=TARGETPLATFORM=linux/arm64/v8",
                        "--build-arg=TARGETVARIANT=v8",
                        "--custom-platform=linux/arm64/v8",
                        "--ignore-path=/workspace",
                        "--push-retry=3")),

                new Case("no-push without a destination: no --destination at all", """
                        global:
                          kaniko:
                            no-push: true
                        bake:
                        - arch: amd64
                        """, "amd64", List.of(
                        "--context=dir:///workspace",
                        "--dockerfile=/workspace/Dockerfile",
                        "--digest-file=/kaniko/bakery/digest",
                        "--build-arg=BUILDARCH=amd64",
                        "--build-arg=BUILDOS=linux",
                        "--build-arg=BUILDPLATFORM=linux/amd64",
                        "--build-arg=TARGETARCH=amd64",
                        "--build-arg=TARGETOS=linux",
                        "--build-arg=TARGETPLATFORM=linux/amd64",
                        "--build-arg=TARGETVARIANT=",
                        "--no-push",
                        "--ignore-path=/workspace",
                        "--push-retry=3")),

                new Case("ignore-path: the workspace first, then the user's in order", """
                        global:
                          kaniko:
                            destination: registry.example.com/app:1
                            ignore-path: [/var/cache/apt, /tmp/build output]
                        bake:
                        - arch: amd64
                        """, "amd64", List.of(
                        "--context=dir:///workspace",
                        "--dockerfile=/workspace/Dockerfile",
                        "--destination=registry.example.com/app:1",
                        "--digest-file=/kaniko/bakery/digest",
                        "--build-arg=BUILDARCH=amd64",
                        "--build-arg=BUILDOS=linux",
                        "--build-arg=BUILDPLATFORM=linux/amd64",
                        "--build-arg=TARGETARCH=amd64",
                        "--build-arg=TARGETOS=linux",
                        "--build-arg=TARGETPLATFORM=linux/amd64",
                        "--build-arg=TARGETVARIANT=",
                        "--ignore-path=/workspace",
                        "--ignore-path=/var/cache/apt",
                        "--ignore-path=/tmp/build output",
                        "--push-retry=3")),

                new Case("extra-flags: split like a shell, quoted value kept whole, last so they override", """
                        global:
                          kaniko:
                            destination: registry.example.com/app:1
                            extra-flags: >-
                              --verbosity=debug --build-arg "NOTE=two  words, one arg"
                              --push-retry=5 --label='team=a b'
                        bake:
                        - arch: amd64
                        """, "amd64", List.of(
                        "--context=dir:///workspace",
                        "--dockerfile=/workspace/Dockerfile",
                        "--destination=registry.example.com/app:1",
                        "--digest-file=/kaniko/bakery/digest",
                        "--build-arg=BUILDARCH=amd64",
                        "--build-arg=BUILDOS=linux",
                        "--build-arg=BUILDPLATFORM=linux/amd64",
                        "--build-arg=TARGETARCH=amd64",
                        "--build-arg=TARGETOS=linux",
                        "--build-arg=TARGETPLATFORM=linux/amd64",
                        "--build-arg=TARGETVARIANT=",
                        "--ignore-path=/workspace",
                        "--push-retry=3",
                        "--verbosity=debug",
                        "--build-arg",
                        "NOTE=two  words, one arg",
                        "--push-retry=5",
                        "--label=team=a b")),

                new Case("the original Bakery's example config (arm64 entry, its custom-platform corrected): all its keys", """
                        global:
                          platform: ecs
                          arch: amd64
                          kaniko:
                            context-path: .
                            dockerfile: Dockerfile
                            build-args:
                              BUILD_BASE_IMAGE_NAME: golang
                              BUILD_BASE_IMAGE_TAG: 1.25.4-alpine3.22
                            cache:
                              enable: true
                              repo: cache.example.com
                              ttl: 24h
                              copy-layers: true
                              run-layers: true
                              compressed: false
                            snapshot-mode: redo
                            use-new-run: true
                            cleanup: true
                            custom-platform: linux/amd64
                            ignore-path: []
                            destination: registry.example.com/repo/foo:bar
                            no-push: false
                            extra-flags: ''
                        bake:
                        - arch: amd64
                        - arch: arm64
                          kaniko:
                            custom-platform: linux/arm64
                            context-path: /workspace/src
                            dockerfile: Dockerfile.arm64
                            build-args:
                              BUILD_PLATFORM: arm64
                        """, "arm64", List.of(
                        "--context=dir:///workspace/src",
                        "--dockerfile=/workspace/src/Dockerfile.arm64",
                        "--destination=registry.example.com/repo/foo:bar_arm64",
                        "--digest-file=/kaniko/bakery/digest",
                        "--build-arg=BUILDARCH=arm64",
                        "--build-arg=BUILDOS=linux",
                        "--build-arg=BUILDPLATFORM=linux/arm64",
                        "--build-arg=BUILD_BASE_IMAGE_NAME=golang",
                        "--build-arg=BUILD_BASE_IMAGE_TAG=1.25.4-alpine3.22",
                        "--build-arg=BUILD_PLATFORM=arm64",
                        "--build-arg=TARGETARCH=arm64",
                        "--build-arg=TARGETOS=linux",
                        "--build-arg=TARGETPLATFORM=linux/arm64",
                        "--build-arg=TARGETVARIANT=",
                        "--cache=true",
                        "--cache-repo=cache.example.com",
                        "--cache-ttl=24h",
                        "--cache-copy-layers=true",
                        "--cache-run-layers=true",
                        "--compressed-caching=false",
                        "--snapshot-mode=redo",
                        "--use-new-run",
                        "--cleanup",
                        "--custom-platform=linux/arm64",
                        "--ignore-path=/workspace",
                        "--push-retry=3"))
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void argumentsAreExactlyTheExpectedArgv(Case c) {
        BuildTask task = plan(c.yaml()).task(c.taskId());
        assertThat(KanikoBuilder.arguments(new BuildRequest(task, WORKSPACE, DIGEST_FILE)))
                .containsExactlyElementsOf(c.expected());
    }

    @Test
    void theWorkspaceOfTheRequestIsTheOneUsed() {
        BuildTask task = plan("""
                global:
                  kaniko: {destination: "registry.example.com/app:1", context-path: src}
                bake:
                - arch: amd64
                """).task("amd64");
        List<String> args = KanikoBuilder.arguments(new BuildRequest(task, Path.of("/tmp/ws/./a/.."), DIGEST_FILE));
        assertThat(args).startsWith("--context=dir:///tmp/ws/src", "--dockerfile=/tmp/ws/src/Dockerfile")
                .contains("--ignore-path=/tmp/ws");
    }

    @Test
    void theArgumentListCannotBeChanged() {
        BuildTask task = plan("""
                global:
                  kaniko: {destination: "registry.example.com/app:1"}
                bake:
                - arch: amd64
                """).task("amd64");
        List<String> args = KanikoBuilder.arguments(new BuildRequest(task, WORKSPACE, DIGEST_FILE));
        assertThatThrownBy(() -> args.add("--insecure")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aRequestNeedsATaskAndBothPathsAndMakesThePathsAbsolute() {
        BuildTask task = plan("""
                global:
                  kaniko: {destination: "registry.example.com/app:1"}
                bake:
                - arch: amd64
                """).task("amd64");
        assertThatThrownBy(() -> new BuildRequest(null, WORKSPACE, DIGEST_FILE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("task");
        assertThatThrownBy(() -> new BuildRequest(task, null, DIGEST_FILE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workspace");
        assertThatThrownBy(() -> new BuildRequest(task, WORKSPACE, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("digest file");
        BuildRequest relative = new BuildRequest(task, Path.of("ws"), Path.of("out/digest"));
        assertThat(relative.workspace()).isEqualTo(Path.of("ws").toAbsolutePath());
        assertThat(relative.digestFile()).isEqualTo(Path.of("out/digest").toAbsolutePath());
        assertThat(KanikoBuilder.arguments(relative)).startsWith("--context=dir://" + Path.of("ws").toAbsolutePath());
    }

    private static final String WITH_SECRETS = """
            global:
              kaniko: {destination: "registry.example.com/app:1", labels: {team: web}}
              secrets:
              - {id: npmrc, secret: ci/npmrc}
              - {id: token, secret: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:ci/token-AbCdEf"}
            bake:
            - arch: amd64
            """;

    @Test
    void eachBuildSecretIsOneSecretFlagNamingItsFileAfterTheLabels() {
        BuildTask task = plan(WITH_SECRETS).task("amd64");
        Path dir = Path.of("/kaniko/bakery-secrets");
        List<String> args = KanikoBuilder.arguments(new BuildRequest(task, WORKSPACE, DIGEST_FILE,
                java.util.Map.of("npmrc", dir.resolve("npmrc.secret"), "token", dir.resolve("token.secret"))));
        assertThat(args).containsSubsequence("--label=team=web",
                "--secret=id=npmrc,src=/kaniko/bakery-secrets/npmrc.secret",
                "--secret=id=token,src=/kaniko/bakery-secrets/token.secret",
                "--ignore-path=/workspace");
        assertThat(String.join(" ", args)).doesNotContain("ci/npmrc", "ci/token");
    }

    @Test
    void aRequestCarriesExactlyTheTasksSecretsAndNeverInsideTheWorkspace() {
        BuildTask task = plan(WITH_SECRETS).task("amd64");
        Path dir = Path.of("/kaniko/bakery-secrets");
        assertThatThrownBy(() -> new BuildRequest(task, WORKSPACE, DIGEST_FILE))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("build secret \"npmrc\" of task amd64 has no file");
        assertThatThrownBy(() -> new BuildRequest(task, WORKSPACE, DIGEST_FILE, java.util.Map.of(
                "npmrc", dir.resolve("npmrc"), "token", dir.resolve("token"), "extra", dir.resolve("extra"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[npmrc, token]");
        assertThatThrownBy(() -> new BuildRequest(task, WORKSPACE, DIGEST_FILE, java.util.Map.of(
                "npmrc", WORKSPACE.resolve("npmrc"), "token", dir.resolve("token"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the file of build secret \"npmrc\" must not be inside the workspace /workspace");
        assertThatThrownBy(() -> new BuildRequest(task, WORKSPACE, DIGEST_FILE, java.util.Map.of(
                "npmrc", Path.of("/kaniko/a,b/npmrc"), "token", dir.resolve("token"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("comma");
    }


    /**
     * A stand-in for the executor: records its argv one per line, writes {@code digest} to the
     * {@code --digest-file} it was given, prints {@code line} and exits with {@code exit}.
     */
    static BuildPlan plan(String yaml) {
        return BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", yaml))).builds().getFirst().plan();
    }
}
