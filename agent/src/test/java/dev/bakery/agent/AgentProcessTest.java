package dev.bakery.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.PlanJson;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import dev.bakery.testing.ContextArchives;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as a real JVM process on the k8s path (spec file in, termination log out): SIGTERM
 * reaches the running step, the result says interrupted, and the process is gone within 10 s.
 */
class AgentProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    private HttpServer contexts;
    private final byte[] archive = ContextArchives.tarGz(Map.of("Dockerfile", "FROM scratch\n"));

    @BeforeEach
    void serveContext() throws Exception {
        // Plays the presigned S3 URL the bridge hands to the Job.
        contexts = ContextArchives.serve(archive);
    }

    @AfterEach
    void stop() {
        contexts.stop(0);
    }

    @Test
    void sigtermStopsTheRunningStepAndTheResultSaysInterrupted() throws Exception {
        BuildPlan plan = BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", """
                bake:
                - arch: amd64
                  pre-script: echo waiting; sleep 60
                  kaniko: {no-push: true}
                """))).builds().getFirst().plan();
        Path spec = temp.resolve("spec.json");
        Files.writeString(spec, JSON.writeValueAsString(JSON.createObjectNode()
                .put("buildId", "b-term").put("taskId", "amd64").put("contextKey", ContextArchives.key(archive))
                .put("contextUrl", "http://127.0.0.1:" + contexts.getAddress().getPort() + "/context.tar.gz")
                .set("plan", JSON.readTree(PlanJson.write(plan)))));
        Path terminationLog = temp.resolve("termination-log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName());
        builder.environment().putAll(java.util.Map.of("BAKERY_TASK_SPEC_FILE", spec.toString(),
                "BAKERY_TERMINATION_LOG", terminationLog.toString(), "BAKERY_BUILDER", "buildah",
                "BAKERY_BUILDAH_ROOT", temp.resolve("buildah").toString(), "BAKERY_WORKSPACE", temp.resolve("workspace").toString(),
                "DOCKER_CONFIG", temp.resolve("docker").toString(), "AWS_REGION", "eu-west-1"));
        builder.redirectErrorStream(true);
        Process agent = builder.start();
        // Read while the pump appends: a copy-on-write list, since streaming a synchronized list is not thread-safe.
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread pump = new Thread(() -> new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8))
                .lines().forEach(lines::add));
        pump.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (lines.stream().noneMatch(l -> l.contains("\"msg\":\"waiting\"")) && System.nanoTime() < deadline
                && agent.isAlive()) {
            Thread.sleep(50);
        }
        assertThat(lines).as("the pre-script started").anyMatch(l -> l.contains("\"msg\":\"waiting\""));

        long sent = System.nanoTime();
        // SIGTERM, as ECS sends on a Spot interruption or a cancel (kill(1): Process.destroy would close our pipes).
        new ProcessBuilder("kill", "-TERM", Long.toString(agent.pid())).start().waitFor();
        boolean exited = agent.waitFor(10, TimeUnit.SECONDS);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - sent);
        pump.join(5000);

        assertThat(exited).as("exited within 10 s: " + lines).isTrue();
        assertThat(seconds).isLessThan(10);
        assertThat(agent.exitValue()).isNotZero();
        assertThat(terminationLog).as(String.join("\n", lines)).exists();
        JsonNode result = JSON.readTree(Files.readString(terminationLog));
        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("interrupted").asBoolean()).isTrue();
        assertThat(lines).anyMatch(l -> l.contains("SIGTERM received"));
    }
}
