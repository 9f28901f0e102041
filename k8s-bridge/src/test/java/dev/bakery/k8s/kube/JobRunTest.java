package dev.bakery.k8s.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.bakery.core.BuildContainer;
import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.PlanJson;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import dev.bakery.k8s.config.AgentPod;
import dev.bakery.k8s.task.TrackedTask;
import dev.bakery.k8s.testing.BridgeHarness;
import dev.bakery.testing.AgentImage;
import dev.bakery.testing.Await;
import dev.bakery.testing.ChrootContainer;
import dev.bakery.testing.ContextArchives;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pod of the Job the bridge creates, run as a kubelet would, without a cluster: each container
 * chrooted in its own PID namespace, the emptyDir and the task Secret mounted where the spec says,
 * the termination message file at its path; the agent from agent/Dockerfile (the real jar on a JRE of
 * its Java major), the build container busybox-static with the stand-in Kaniko executor. Both get
 * what the EKS pod identity webhook injects into a pod's containers unless its skip-containers
 * annotation names them. Needs root, which CI has.
 */
class JobRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN_DIR = "/var/run/secrets/eks.amazonaws.com/serviceaccount";

    @TempDir
    Path dir;
    private final List<Process> started = new ArrayList<>();
    private HttpServer contexts;
    private String contextKey;

    @AfterEach
    void stop() throws InterruptedException {
        for (Process process : started) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (contexts != null) {
            contexts.stop(0);
        }
    }

    @Test
    void aBuildSucceedsAndTheTerminationMessageCarriesTheDigest() throws Exception {
        Pod pod = run("""
                global:
                  kaniko: {destination: "registry.example.com/app:1"}
                bake:
                - arch: amd64
                """, "FROM scratch\nRUN echo built\n");

        assertThat(pod.awaitAgent()).as(pod.agentOutput()).isZero();
        JsonNode result = pod.result();
        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.path("imageDigest").asText()).matches("sha256:[0-9a-f]{64}")
                .isEqualTo(Files.readString(pod.volume.resolve("docker/digest-amd64")));
        assertThat(pod.agentOutput()).contains("\"step\":\"build\",\"level\":\"info\",\"msg\":\"built\"");
    }

    @Test
    void aFailingExecutorFailsTheTaskWithItsLastLine() throws Exception {
        Pod pod = run(DESTINATION, "FROM scratch\nRUN exit 4\n");

        assertThat(pod.awaitAgent()).isNotZero();
        assertThat(pod.result().path("status").asText()).isEqualTo("FAILED");
        assertThat(pod.result().path("error").asText()).isEqualTo("error building image: error building stage: failed to"
                + " execute command: waiting for process to exit: exit status 4");
    }

    @Test
    void deletingThePodInterruptsTheTaskAndTheBuildContainerHoldsNoAwsCredentialOrToken() throws Exception {
        Pod pod = run(DESTINATION, "FROM scratch\nRUN echo sleeping; sleep 120\n");
        Await.until(Duration.ofSeconds(60), () -> pod.agentOutput().contains("\"msg\":\"sleeping\""), "the RUN step");

        List<Long> inside = pod.buildRoot.processesInside(pod.build);
        assertThat(inside).hasSizeGreaterThanOrEqualTo(3);
        for (long pid : inside) {
            String environ = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")), StandardCharsets.UTF_8);
            assertThat(environ).as("/proc/%d/environ in the build container", pid).doesNotContain("AWS_");
        }
        assertThat(pod.buildRoot.root().resolve(TOKEN_DIR.substring(1))).as("no web-identity token mounted").doesNotExist();
        assertThat(pod.agentRoot.root().resolve(TOKEN_DIR.substring(1))).as("the agent's token is mounted").exists();

        // Deleting the pod (or the Job's deadline): SIGTERM to every container.
        ChrootContainer.signal(pod.agent, "TERM");
        ChrootContainer.signal(pod.build, "TERM");
        assertThat(pod.agent.waitFor(15, TimeUnit.SECONDS)).as(pod.agentOutput()).isTrue();
        assertThat(pod.build.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(pod.result().path("status").asText()).isEqualTo("FAILED");
        assertThat(pod.result().path("interrupted").asBoolean()).isTrue();
    }

    private static final String DESTINATION = """
            global:
              kaniko: {destination: "registry.example.com/app:1"}
            bake:
            - arch: amd64
            """;

    /** The running pod: its two containers, the agent's output and the termination message file. */
    private record Pod(Process agent, Process build, ChrootContainer agentRoot, ChrootContainer buildRoot, Path volume,
            Path terminationLog, ByteArrayOutputStream out) {

        int awaitAgent() throws InterruptedException {
            if (!agent.waitFor(120, TimeUnit.SECONDS)) {
                throw new AssertionError("the agent did not end within 120 s: " + agentOutput());
            }
            return agent.exitValue();
        }

        String agentOutput() {
            synchronized (out) {
                return out.toString(StandardCharsets.UTF_8);
            }
        }

        JsonNode result() throws IOException {
            return JSON.readTree(Files.readString(terminationLog));
        }
    }

    private Pod run(String yaml, String dockerfile) throws Exception {
        BuildPlan plan = BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", yaml))).builds().getFirst().plan();
        serve(dockerfile);
        TrackedTask tracked = new TrackedTask("token-1", "b-job", "amd64", "bakery-amd64-0123456789", "kaniko");
        JobTemplate template = new JobTemplate(new AgentPod(BridgeHarness.AGENT_IMAGE, BridgeHarness.KANIKO_IMAGE, "bakery-agent",
                List.of(), List.of(), Map.of(), 3600, "eu-west-1", BridgeHarness.PUSH_ROLE), "bakery", "bakery");
        Job job = template.job(tracked, plan.task("amd64"), false);
        Secret spec = template.taskSpec(tracked.jobName(), JSON.writeValueAsString(JSON.createObjectNode()
                .put("buildId", "b-job").put("taskId", "amd64").put("contextKey", contextKey)
                .put("contextUrl", "http://127.0.0.1:" + contexts.getAddress().getPort() + "/context.tar.gz")
                .set("plan", JSON.readTree(PlanJson.write(plan)))));

        PodSpec pod = job.getSpec().getTemplate().getSpec();
        List<String> skipped = List.of(job.getSpec().getTemplate().getMetadata().getAnnotations()
                .getOrDefault(JobTemplate.SKIP_CONTAINERS, "").split(","));
        Map<String, Path> volumes = new HashMap<>();
        for (Volume volume : pod.getVolumes()) {
            Path path = Files.createDirectories(dir.resolve("volumes").resolve(volume.getName()));
            if (volume.getSecret() != null) {
                assertThat(volume.getSecret().getSecretName()).isEqualTo(spec.getMetadata().getName());
                for (Map.Entry<String, String> item : spec.getData().entrySet()) {
                    Files.write(path.resolve(item.getKey()), Base64.getDecoder().decode(item.getValue()));
                }
            } else {
                assertThat(volume.getEmptyDir()).as(volume.getName()).isNotNull();
            }
            volumes.put(volume.getName(), path);
        }
        Path token = Files.writeString(dir.resolve("web-identity-token"), "eyJ-projected-service-account-token");
        Path terminationLog = Files.createFile(dir.resolve("termination-log"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Map<String, Process> processes = new LinkedHashMap<>();
        Map<String, ChrootContainer> roots = new LinkedHashMap<>();
        for (Container container : pod.getContainers()) {
            ChrootContainer root;
            List<String> command = new ArrayList<>();
            Map<String, String> environment = new LinkedHashMap<>();
            String workingDir;
            if (container.getName().equals(BuildContainer.NAME)) {
                assertThat(container.getImage()).isEqualTo(BridgeHarness.KANIKO_IMAGE);
                root = ChrootContainer.kanikoDebug(dir.resolve("build-root"));
                command.addAll(container.getCommand());
                command.addAll(container.getArgs());
                environment.putAll(Map.of("PATH", "/usr/local/bin:/kaniko:/busybox", "HOME", "/root", "USER", "root",
                        "SSL_CERT_DIR", "/kaniko/ssl/certs", "DOCKER_CONFIG", "/kaniko/.docker/"));
                workingDir = "/workspace";
            } else {
                assertThat(container.getImage()).isEqualTo(BridgeHarness.AGENT_IMAGE);
                AgentImage image = AgentImage.assemble(repository(), dir.resolve("agent-root"));
                assertThat(container.getCommand()).isEmpty();
                root = image.container();
                command.addAll(image.entryPoint());
                environment.putAll(image.environment());
                workingDir = "/";
                root.mount(terminationLog, container.getTerminationMessagePath());
            }
            for (EnvVar variable : container.getEnv()) {
                environment.put(variable.getName(), variable.getValue());
            }
            // The pod identity webhook's injection (IRSA), for every container it does not skip.
            if (!skipped.contains(container.getName())) {
                environment.put("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/bakery-agent");
                environment.put("AWS_WEB_IDENTITY_TOKEN_FILE", TOKEN_DIR + "/token");
                root.mount(token, TOKEN_DIR + "/token");
            }
            for (VolumeMount mount : container.getVolumeMounts()) {
                root.mount(volumes.get(mount.getName()), mount.getMountPath());
            }
            Process process = root.start(command, environment, workingDir);
            started.add(process);
            processes.put(container.getName(), process);
            roots.put(container.getName(), root);
        }
        Process agent = processes.get(tracked.container());
        Thread pump = new Thread(() -> {
            try {
                agent.getInputStream().transferTo(out);
            } catch (IOException e) {
                // the container is gone
            }
        });
        pump.setDaemon(true);
        pump.start();
        return new Pod(agent, processes.get(BuildContainer.NAME), roots.get(tracked.container()), roots.get(BuildContainer.NAME),
                volumes.get(BuildContainer.VOLUME), terminationLog, out);
    }

    private static Path repository() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("agent/Dockerfile"))) {
                return dir;
            }
        }
        throw new AssertionError("no agent/Dockerfile above " + Path.of("").toAbsolutePath());
    }

    /** Plays the presigned S3 URL of the task's context. */
    private void serve(String dockerfile) throws IOException {
        byte[] archive = ContextArchives.tarGz(Map.of("Dockerfile", dockerfile));
        contextKey = ContextArchives.key(archive);
        contexts = ContextArchives.serve(archive);
    }
}
