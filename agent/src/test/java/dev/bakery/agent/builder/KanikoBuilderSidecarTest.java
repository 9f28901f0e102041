package dev.bakery.agent.builder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.agent.log.AgentLog;
import dev.bakery.agent.process.ProcessRunner;
import dev.bakery.core.BuildContainer;
import dev.bakery.testing.Await;
import dev.bakery.testing.ChrootContainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar protocol for real: the build container's own command ({@link BuildContainer}) runs as
 * PID 1 of its own root filesystem (busybox-static and the stand-in Kaniko executor, as root with
 * chroot, which CI has), with the environment ECS gives every container of the task, and the
 * builder talks to it through the shared directory only.
 */
class KanikoBuilderSidecarTest {

    /** What ECS puts into every container of a task with a task role. */
    private static final Map<String, String> ECS_ENVIRONMENT = Map.of(
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/0f1e2d3c-task-role",
            "AWS_EXECUTION_ENV", "AWS_ECS_FARGATE", "AWS_REGION", "eu-west-1",
            "ECS_CONTAINER_METADATA_URI_V4", "http://169.254.170.2/v4/build");

    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final AgentLog log = new AgentLog(new PrintStream(out, true, StandardCharsets.UTF_8), Clock.systemUTC(), "b1",
            "amd64", "amd64");
    private final ProcessRunner runner = new ProcessRunner(log);
    private final List<Process> started = new ArrayList<>();
    private final ByteArrayOutputStream containerOutput = new ByteArrayOutputStream();
    private Path shared;

    @AfterEach
    void stop() throws InterruptedException {
        for (Process process : started) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theBuildContainerRunsScriptsAndExecutorAndTheAgentRelaysItsOutputAndReadsTheDigest() throws Exception {
        BuildRequest request = request("""
                global:
                  env: {GREETING: "it's me", workspace: elsewhere, v: shadowed}
                  pre-script: echo "pre $GREETING" > pre.txt
                  post-script: echo "post-script saw $(cat pre.txt) and $workspace $v"
                  kaniko: {destination: "registry.example.com/app:1", tags: [stable]}
                bake:
                - arch: amd64
                """, "RUN echo \"built by $GREETING\"\n");
        startBuildContainer();
        BuildOutcome outcome = builder(Duration.ofSeconds(30)).build(request, runner);

        assertThat(outcome.succeeded()).as(output()).isTrue();
        assertThat(outcome.digest()).matches("sha256:[0-9a-f]{64}");
        assertThat(outcome.pushed()).map(Object::toString)
                .containsExactly("registry.example.com/app:1", "registry.example.com/app:stable");
        assertThat(output()).contains("\"step\":\"build\",\"level\":\"info\",\"msg\":\"built by it's me\"",
                "\"step\":\"post-script\",\"level\":\"info\",\"msg\":\"post-script saw pre it's me and elsewhere shadowed\"");
    }

    @Test
    void aFailingRunStepFailsTheBuildWithTheExecutorsLastLine() throws Exception {
        BuildRequest request = request(DESTINATION, "RUN echo boom; exit 3\n");
        startBuildContainer();
        BuildOutcome outcome = builder(Duration.ofSeconds(30)).build(request, runner);

        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.error()).isEqualTo("error building image: error building stage: failed to execute command:"
                + " waiting for process to exit: exit status 3");
        assertThat(output()).contains("\"msg\":\"boom\"");
    }

    @Test
    void aFlagTheForkDoesNotDefineIsRefused() throws Exception {
        BuildRequest request = request("""
                global:
                  kaniko: {destination: "registry.example.com/app:1", extra-flags: "--no-such-flag"}
                bake:
                - arch: amd64
                """, "RUN true\n");
        startBuildContainer();
        BuildOutcome outcome = builder(Duration.ofSeconds(30)).build(request, runner);

        assertThat(outcome.error()).isEqualTo("Error: unknown flag: --no-such-flag");
    }

    @Test
    void noAwsCredentialReachesTheBuildContainersProcesses() throws Exception {
        BuildRequest request = request(DESTINATION, """
                RUN tr '\\0' '\\n' < /proc/1/environ; for e in /proc/[0-9]*/environ; do tr '\\0' '\\n' < $e; done; env
                RUN ls /proc/1/root/bakery
                """);
        startBuildContainer();
        BuildOutcome outcome = builder(Duration.ofSeconds(30)).build(request, runner);

        assertThat(outcome.succeeded()).as(output()).isTrue();
        assertThat(output()).contains("\"msg\":\"PATH=/usr/local/bin:/kaniko:/busybox\"", "\"msg\":\"go\"")
                .doesNotContain("AWS_", "ECS_CONTAINER_METADATA");
    }

    @Test
    void aBuildContainerThatNeverStartsFailsTheTaskInTime() throws Exception {
        BuildRequest request = request(DESTINATION, "RUN true\n");
        long start = System.nanoTime();
        BuildOutcome outcome = builder(Duration.ofSeconds(1)).build(request, runner);

        assertThat(outcome.error()).isEqualTo("the build container did not start within 1 s of the go-ahead");
        assertThat(outcome.interrupted()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aBuildContainerKilledMidBuildFailsTheTaskSayingSo() throws Exception {
        BuildRequest request = request(DESTINATION, "RUN echo sleeping; sleep 60\n");
        Process container = startBuildContainer();
        Thread killer = new Thread(() -> {
            Await.until(Duration.ofSeconds(30), () -> output().contains("sleeping"), "the RUN step");
            container.descendants().forEach(ProcessHandle::destroyForcibly);
            container.destroyForcibly();
        });
        killer.start();
        BuildOutcome outcome = builder(Duration.ofSeconds(30)).build(request, runner);
        killer.join();

        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.interrupted()).isFalse();
        assertThat(outcome.error()).isEqualTo("the build container stopped without leaving its exit code (killed, or out"
                + " of memory?) during its build step; its last line: sleeping");
    }

    @Test
    void sigtermToBothContainersInterruptsTheBuildWithinTheGracePeriod() throws Exception {
        BuildRequest request = request(DESTINATION, "RUN echo sleeping; sleep 60\n");
        Process container = startBuildContainer();
        Thread stopTask = new Thread(() -> {
            Await.until(Duration.ofSeconds(30), () -> output().contains("sleeping"), "the RUN step");
            // StopTask: SIGTERM to each container's PID 1, here the build container's and the agent's runner.
            container.children().forEach(pid1 -> {
                try {
                    new ProcessBuilder("kill", "-TERM", Long.toString(pid1.pid())).start().waitFor();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            runner.terminate();
        });
        stopTask.start();
        long start = System.nanoTime();
        BuildOutcome outcome = builder(Duration.ofSeconds(30)).build(request, runner);
        stopTask.join();

        assertThat(outcome.interrupted()).as(output()).isTrue();
        assertThat(outcome.exitCode()).isEqualTo(143);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        assertThat(container.waitFor(10, TimeUnit.SECONDS)).as("the build container ended").isTrue();
    }

    private static final String DESTINATION = """
            global:
              kaniko: {destination: "registry.example.com/app:1"}
            bake:
            - arch: amd64
            """;

    private KanikoBuilder builder(Duration startTimeout) {
        return new KanikoBuilder(shared, shared.resolve("docker"), shared.resolve("bakery-secrets"), log, startTimeout);
    }

    private BuildRequest request(String yaml, String dockerfile) throws Exception {
        shared = Files.createDirectories(dir.resolve("shared"));
        Path workspace = Files.createDirectories(shared.resolve("workspace"));
        Files.createDirectories(shared.resolve("docker"));
        Files.writeString(workspace.resolve("Dockerfile"), dockerfile);
        return new BuildRequest(KanikoBuilderTest.plan(yaml).task("amd64"), workspace,
                shared.resolve("docker/digest-amd64"));
    }

    /**
     * The build container as the task definition declares it. The shared directory is mounted at
     * /bakery and also at its path here, where this test's builder (not in a container) finds it.
     */
    private Process startBuildContainer() throws Exception {
        ChrootContainer container = ChrootContainer.kanikoDebug(dir.resolve("build-root"))
                .mount(shared, BuildContainer.VOLUME_PATH).mount(shared, shared.toString());
        List<String> command = new ArrayList<>(BuildContainer.entryPoint());
        command.addAll(BuildContainer.command());
        Process process = container.start(command, ECS_ENVIRONMENT, "/workspace");
        started.add(process);
        Thread.ofVirtual().start(() -> {
            try {
                process.getInputStream().transferTo(containerOutput);
            } catch (java.io.IOException e) {
                // the container is gone
            }
        });
        return process;
    }

    /** The agent's lines, then what the build container printed outside the relay (its setup's errors). */
    private String output() {
        return out.toString(StandardCharsets.UTF_8) + containerOutput;
    }
}
