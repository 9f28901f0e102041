package dev.bakery.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import dev.bakery.core.status.TaskStatus;
import dev.bakery.store.BuildRecord;
import dev.bakery.store.BuildStore;
import dev.bakery.store.TaskRecord;
import dev.bakery.store.testing.Builds;
import dev.bakery.store.testing.LocalDynamo;
import dev.bakery.testing.AgentImage;
import dev.bakery.testing.Await;
import dev.bakery.testing.ChrootContainer;
import dev.bakery.testing.ContextArchives;
import dev.bakery.testing.LocalS3;
import dev.bakery.testing.LoopbackAws;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The synthesized X86_64 task definition run as Fargate would run it, without Docker: each container
 * in its own root filesystem (chroot, its own PID namespace) with the task volume bind-mounted where
 * its MountPoints say, its entry point, command and environment from the template (the agent's from
 * agent/Dockerfile, which the template's image is built from), started in DependsOn order, the task
 * ended when its essential container ends. The agent is the real jar on a JRE of the image's Java
 * major; the build container is busybox-static and the stand-in Kaniko executor. Both get what ECS
 * puts into every container of a task with a role. Only the AWS endpoints differ: the agent gets the
 * loopback engines' (BAKERY_S3_ENDPOINT, BAKERY_DYNAMODB_ENDPOINT, AWS_ENDPOINT_URL_SECRETS_MANAGER).
 * Needs root (chroot, mount, unshare), which CI has.
 */
class TaskDefinitionRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "bakery-contexts";
    private static final String REGION = "us-east-1";
    /** What ECS puts into each container of a task with a task role (the key pair stands in for the role's credentials). */
    private static final Map<String, String> ECS_INJECTED = Map.of(
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/5f2b1c3d-task-role",
            "AWS_EXECUTION_ENV", "AWS_ECS_FARGATE",
            "AWS_ACCESS_KEY_ID", LoopbackAws.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY", LoopbackAws.SECRET_KEY);

    private static final Synthesized SYNTH = Synthesized.documented();
    private static LocalDynamo dynamo;
    private static LocalS3 s3;
    private static LoopbackAws aws;
    private static BuildStore store;

    @TempDir
    Path dir;
    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void engines() {
        dynamo = LocalDynamo.start();
        s3 = LocalS3.start(LoopbackAws.ACCESS_KEY, LoopbackAws.SECRET_KEY);
        s3.client().createBucket(r -> r.bucket(BUCKET));
        aws = LoopbackAws.start();
        store = new BuildStore(dynamo.client(), LocalDynamo.TABLE, Clock.systemUTC());
    }

    @AfterAll
    static void stopEngines() {
        aws.close();
        s3.close();
        dynamo.close();
    }

    @AfterEach
    void stopContainers() throws InterruptedException {
        for (Process process : started) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBuildSucceedsWithTheDigestTheExecutorWrote() throws Exception {
        Task task = run("b-ok", """
                global:
                  env: {GREETING: hello}
                  pre-script: echo "pre-script says $GREETING"
                  kaniko: {destination: "registry.example.com/app:1"}
                bake:
                - arch: amd64
                """, "FROM scratch\nRUN echo built\n");

        assertThat(task.awaitAgent()).as(task.agentOutput()).isZero();
        TaskRecord record = store.task("b-ok", "amd64").orElseThrow();
        assertThat(record.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(record.imageDigest()).matches("sha256:[0-9a-f]{64}").isEqualTo(task.digestTheExecutorWrote());
        assertThat(task.agentOutput()).contains("\"step\":\"pre-script\",\"level\":\"info\",\"msg\":\"pre-script says hello\"",
                "\"step\":\"build\",\"level\":\"info\",\"msg\":\"built\"");
        assertThat(task.buildContainer.waitFor(30, TimeUnit.SECONDS)).as("the task ended with the agent").isTrue();
    }

    @Test
    void aFailingExecutorFailsTheTaskWithItsLastLine() throws Exception {
        Task task = run("b-fail", DESTINATION, "FROM scratch\nRUN echo compiling; exit 2\n");

        assertThat(task.awaitAgent()).as(task.agentOutput()).isNotZero();
        TaskRecord record = store.task("b-fail", "amd64").orElseThrow();
        assertThat(record.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(record.error()).isEqualTo("error building image: error building stage: failed to execute command:"
                + " waiting for process to exit: exit status 2");
    }

    @Test
    void stopTaskAfterACancelLeavesTheTaskCancelledAndBothContainersEndInTime() throws Exception {
        Task task = run("b-stop", DESTINATION, "FROM scratch\nRUN echo sleeping; sleep 120\n");
        Await.until(Duration.ofSeconds(60), () -> task.agentOutput().contains("\"msg\":\"sleeping\""), "the RUN step");

        // What cancelling a build does: the store marks its tasks CANCELLED, then StopTask sends SIGTERM to every container.
        store.cancelTasks("b-stop");
        long sent = System.nanoTime();
        task.stopTask();

        assertThat(task.agent.waitFor(15, TimeUnit.SECONDS)).as(task.agentOutput()).isTrue();
        assertThat(task.buildContainer.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(12));
        assertThat(store.task("b-stop", "amd64").orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(task.agentOutput()).contains("SIGTERM received", "interrupted");
    }

    @Test
    void noAwsCredentialVariableIsInAnyProcessOfTheBuildContainer() throws Exception {
        Task task = run("b-env", DESTINATION, "FROM scratch\nRUN echo sleeping; sleep 120\n");
        Await.until(Duration.ofSeconds(60), () -> task.agentOutput().contains("\"msg\":\"sleeping\""), "the RUN step");

        List<Long> inside = task.buildRoot.processesInside(task.buildContainer);
        for (long pid : inside) {
            String environ = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")), StandardCharsets.UTF_8);
            assertThat(environ).as("/proc/%d/environ in the build container", pid).doesNotContain("AWS_");
        }
        assertThat(inside).as("processes of the build container: its PID 1, the executor, the RUN step").hasSizeGreaterThanOrEqualTo(3);
        task.stopTask();
    }

    @Test
    void linesTheBuildPrintsInTheAgentsFormatStayInsideItsOwnLines() throws Exception {
        String forged = "{\"ts\":\"2026-01-01T00:00:00Z\",\"buildId\":\"b-victim\",\"taskId\":\"amd64\",\"arch\":\"amd64\","
                + "\"step\":\"build\",\"level\":\"info\",\"msg\":\"forged\"}";
        Task task = run("b-forger", DESTINATION, "FROM scratch\nRUN echo '" + forged + "'\n");

        assertThat(task.awaitAgent()).as(task.agentOutput()).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : task.agentOutput().split("\n")) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines).allSatisfy(line -> assertThat(line.path("buildId").asText()).isEqualTo("b-forger"));
        assertThat(lines).anySatisfy(line -> assertThat(line.path("msg").asText()).isEqualTo(forged));
    }

    private static final String DESTINATION = """
            global:
              kaniko: {destination: "registry.example.com/app:1"}
            bake:
            - arch: amd64
            """;

    /** One running task: its two containers and the agent's output (what the awslogs driver ships). */
    private final class Task {
        private final Process agent;
        private final Process buildContainer;
        private final ChrootContainer buildRoot;
        private final ByteArrayOutputStream agentOut = new ByteArrayOutputStream();
        private final Path volume;

        Task(Process agent, Process buildContainer, ChrootContainer buildRoot, Path volume) {
            this.agent = agent;
            this.buildContainer = buildContainer;
            this.buildRoot = buildRoot;
            this.volume = volume;
            Thread pump = new Thread(() -> {
                try {
                    agent.getInputStream().transferTo(agentOut);
                } catch (IOException e) {
                    // the container is gone
                }
            });
            pump.setDaemon(true);
            pump.start();
        }

        /** Waits for the essential container; when it ends, ECS stops the task's other containers. */
        int awaitAgent() throws InterruptedException {
            if (!agent.waitFor(120, TimeUnit.SECONDS)) {
                throw new AssertionError("the agent did not end within 120 s: " + agentOutput());
            }
            ChrootContainer.signal(buildContainer, "TERM");
            return agent.exitValue();
        }

        /** StopTask: SIGTERM to each container's PID 1. */
        void stopTask() {
            ChrootContainer.signal(agent, "TERM");
            ChrootContainer.signal(buildContainer, "TERM");
        }

        String agentOutput() {
            synchronized (agentOut) {
                return agentOut.toString(StandardCharsets.UTF_8);
            }
        }

        String digestTheExecutorWrote() throws IOException {
            return Files.readString(volume.resolve("docker/digest-amd64"));
        }
    }

    /** Creates the build, uploads its context and runs the X86_64 task definition for its amd64 task. */
    private Task run(String buildId, String yaml, String dockerfile) throws Exception {
        BuildPlan plan = BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", yaml))).builds().get(0).plan();
        String context = upload(Map.of("Dockerfile", dockerfile));
        Builds.create(store, BuildRecord.queued(buildId, plan, context, "arn:aws:iam::1:user/ci", Map.of(), Instant.now(), null),
                plan.tasks().stream().map(t -> TaskRecord.pending(buildId, t.id(), t.arch().key())).toList());

        JsonNode definition = SYNTH.resources("AWS::ECS::TaskDefinition").values().stream()
                .filter(d -> d.at("/Properties/RuntimePlatform/CpuArchitecture").asText().equals("X86_64"))
                .findFirst().orElseThrow().path("Properties");
        Path volume = Files.createDirectories(dir.resolve("volume"));
        Map<String, Path> volumes = new HashMap<>();
        for (JsonNode v : definition.path("Volumes")) {
            assertThat(v.size()).as("a task-scoped volume, no host path or EFS: " + v).isEqualTo(1);
            volumes.put(v.path("Name").asText(), volume);
        }
        Map<String, Process> containers = new LinkedHashMap<>();
        ChrootContainer buildRoot = null;
        for (JsonNode container : ordered(definition.path("ContainerDefinitions"))) {
            String name = container.path("Name").asText();
            ChrootContainer root;
            List<String> command = new ArrayList<>();
            Map<String, String> environment = new LinkedHashMap<>();
            String workingDir;
            if (name.equals(BuildCluster.CONTAINER)) {
                // The template's image is agent/Dockerfile's; it declares no entry point or command of its own.
                AgentImage image = AgentImage.assemble(BakerySettings.Repository.locate(Path.of("")).root(),
                        dir.resolve("agent-root"));
                assertThat(container.has("EntryPoint") || container.has("Command")).isFalse();
                root = image.container();
                command.addAll(image.entryPoint());
                environment.putAll(image.environment());
                workingDir = "/";
                // The state machine's container overrides and the loopback engines' endpoints.
                environment.putAll(Map.of("BAKERY_BUILD_ID", buildId, "BAKERY_TASK_ID", "amd64",
                        "BAKERY_S3_ENDPOINT", s3.endpoint().toString(), "BAKERY_DYNAMODB_ENDPOINT", dynamo.endpoint().toString(),
                        "AWS_ENDPOINT_URL_SECRETS_MANAGER", aws.endpoint().toString()));
            } else {
                assertThat(container.path("Image").asText()).isEqualTo(Synthesized.KANIKO_IMAGE);
                root = ChrootContainer.kanikoDebug(dir.resolve("build-root"));
                buildRoot = root;
                container.path("EntryPoint").forEach(part -> command.add(part.asText()));
                container.path("Command").forEach(part -> command.add(part.asText()));
                // The debug image's own ENV and WORKDIR (deploy/Dockerfile of the fork).
                environment.putAll(Map.of("PATH", "/usr/local/bin:/kaniko:/busybox", "HOME", "/root", "USER", "root",
                        "SSL_CERT_DIR", "/kaniko/ssl/certs", "DOCKER_CONFIG", "/kaniko/.docker/"));
                workingDir = "/workspace";
            }
            for (JsonNode variable : container.path("Environment")) {
                environment.put(variable.path("Name").asText(), resolve(variable.path("Value")));
            }
            environment.putAll(ECS_INJECTED);
            for (JsonNode mount : container.path("MountPoints")) {
                root.mount(volumes.get(mount.path("SourceVolume").asText()), mount.path("ContainerPath").asText());
            }
            for (JsonNode dependency : container.path("DependsOn")) {
                assertThat(dependency.path("Condition").asText()).isEqualTo("START");
                assertThat(containers).containsKey(dependency.path("ContainerName").asText());
            }
            Process process = root.start(command, environment, workingDir);
            started.add(process);
            containers.put(name, process);
        }
        assertThat(definition.path("ContainerDefinitions")).filteredOn(c -> c.path("Essential").asBoolean())
                .singleElement().satisfies(c -> assertThat(c.path("Name").asText()).isEqualTo(BuildCluster.CONTAINER));
        return new Task(containers.get(BuildCluster.CONTAINER), containers.get(dev.bakery.core.BuildContainer.NAME), buildRoot, volume);
    }

    /** Containers in DependsOn order (a container after those it depends on). */
    private static List<JsonNode> ordered(JsonNode containers) {
        List<JsonNode> ordered = new ArrayList<>();
        List<JsonNode> rest = new ArrayList<>();
        containers.forEach(rest::add);
        while (!rest.isEmpty()) {
            JsonNode next = rest.stream().filter(c -> {
                for (JsonNode dependency : c.path("DependsOn")) {
                    if (ordered.stream().noneMatch(o -> o.path("Name").asText().equals(dependency.path("ContainerName").asText()))) {
                        return false;
                    }
                }
                return true;
            }).findFirst().orElseThrow(() -> new AssertionError("DependsOn has a cycle"));
            ordered.add(next);
            rest.remove(next);
        }
        return ordered;
    }

    /**
     * A template value: a literal, the region, the table or the bucket (as the stack's outputs name them), or
     * the push role's ARN.
     */
    private String resolve(JsonNode value) {
        if (value.isTextual()) {
            return value.asText();
        }
        String ref = value.path("Ref").asText();
        if (ref.equals("AWS::Region")) {
            return REGION;
        }
        if (value.equals(JSON.createObjectNode().set("Fn::GetAtt", JSON.createArrayNode()
                .add(SYNTH.logicalId(SYNTH.stack().builds().pushRole())).add("Arn")))) {
            return "arn:aws:iam::111122223333:role/bakery-push"; // assumed only for ECR destinations, which these builds have none of
        }
        if (value.equals(SYNTH.json().at("/Outputs/TableName/Value"))) {
            return LocalDynamo.TABLE;
        }
        if (value.equals(SYNTH.json().at("/Outputs/ContextBucketName/Value"))) {
            return BUCKET;
        }
        throw new AssertionError("a template value this test cannot resolve: " + value);
    }

    private static String upload(Map<String, String> files) throws IOException {
        byte[] archive = ContextArchives.tarGz(files);
        String key = "contexts/" + dev.bakery.core.Digests.sha256(archive).substring(7) + ".tar.gz";
        s3.client().putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(archive));
        return key;
    }
}
