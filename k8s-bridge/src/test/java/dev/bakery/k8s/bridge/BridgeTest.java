package dev.bakery.k8s.bridge;

import static dev.bakery.k8s.testing.BridgeHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.agent.result.TerminationLogSink;
import dev.bakery.agent.spec.TaskSpec;
import dev.bakery.agent.spec.TaskSpecs;
import dev.bakery.core.Arch;
import dev.bakery.testing.LoopbackAws;
import dev.bakery.core.status.TaskResult;
import dev.bakery.core.status.TaskStatus;
import dev.bakery.k8s.kube.JobTemplate;
import dev.bakery.k8s.testing.BridgeHarness;
import dev.bakery.k8s.testing.MockCluster;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bridge end to end: activity task in, Job out, pod states in, results, logs and heartbeats out. */
class BridgeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ARM64 = """
            global:
              platform: k8s
              cpu: 1500m
              memory: 3G
              timeout: 20m
              kaniko:
                destination: registry.example.com/team/app:1.4.0
            bake:
              - arch: arm64
            """;
    private static final String DIGEST = "sha256:" + "c0ffee".repeat(10) + "abcd";

    private final BridgeHarness h = new BridgeHarness();

    @TempDir
    Path temp;

    @AfterEach
    void stop() {
        h.close();
    }

    private String line(String buildId, String msg) {
        return "{\"ts\":\"2025-01-01T00:00:00Z\",\"buildId\":\"" + buildId + "\",\"taskId\":\"arm64\",\"arch\":\"arm64\","
                + "\"step\":\"build\",\"level\":\"info\",\"msg\":\"" + msg + "\"}";
    }

    /** The termination message exactly as the agent writes it. */
    private String agentResult(TaskResult result) throws Exception {
        Path file = temp.resolve("termination-log-" + System.nanoTime());
        new TerminationLogSink(file).record(result);
        return Files.readString(file);
    }

    private static TaskResult succeeded(Instant started) {
        return new TaskResult(TaskStatus.SUCCEEDED, DIGEST, List.of("registry.example.com/team/app:1.4.0"), 0, started,
                started.plusSeconds(30), null, false);
    }

    /** An arm64 task a started bridge took, with its Job and the pod the Job controller made. */
    private record Task(Bridge bridge, String buildId, String token, String job, String pod) {
    }

    private Task arm64TaskWithPod() {
        String buildId = h.build(ARM64);
        Bridge bridge = h.start(2);
        String token = h.schedule(buildId, "arm64");
        String job = jobName(h.awaitJob("arm64"));
        return new Task(bridge, buildId, token, job, h.cluster.podFor(job).getMetadata().getName());
    }

    private String jobName(Job job) {
        return job.getMetadata().getName();
    }

    @Test
    void anArm64TaskBecomesAJobOnArm64NodesWithItsSizeDeadlineLabelsAndToken() throws Exception {
        String buildId = h.build(ARM64);
        h.start(2);
        String token = h.schedule(buildId, "arm64");

        Job job = h.awaitJob("arm64");
        assertThat(jobName(job)).matches("bakery-arm64-[0-9a-f]{10}");
        assertThat(job.getMetadata().getLabels()).containsEntry(JobTemplate.BUILD_ID, buildId)
                .containsEntry(JobTemplate.TASK_ID, "arm64").containsEntry(JobTemplate.ARCH, "arm64")
                .containsEntry("app.kubernetes.io/managed-by", "bakery-k8s-bridge").containsEntry(JobTemplate.BRIDGE, "bakery");
        assertThat(job.getMetadata().getAnnotations()).containsEntry("bakery.dev/task-token", token);
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(1200L);
        assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(3600);
        assertThat(job.getSpec().getSuspend()).isFalse();

        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getNodeSelector()).containsExactlyInAnyOrderEntriesOf(Map.of("kubernetes.io/arch", "arm64",
                "kubernetes.io/os", "linux", "node.kubernetes.io/lifecycle", "on-demand"));
        assertThat(pod.getTolerations()).extracting(t -> t.getKey() + "|" + t.getOperator() + "|" + t.getValue() + "|" + t.getEffect())
                .containsExactly("kubernetes.io/arch|Equal|arm64|NoSchedule", "dedicated|Exists|null|NoExecute");
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getServiceAccountName()).isEqualTo("bakery-agent");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getImagePullSecrets()).extracting(r -> r.getName()).containsExactly("regcred");
        assertThat(job.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("bakery.dev/job", jobName(job));
        assertThat(pod.getContainers()).hasSize(2);
        Container agent = pod.getContainers().getFirst();
        assertThat(agent.getName()).isEqualTo("kaniko");
        assertThat(agent.getImage()).isEqualTo(BridgeHarness.AGENT_IMAGE);
        assertThat(agent.getResources().getRequests()).isEqualTo(Map.of("cpu", new Quantity("250m"), "memory", new Quantity("512Mi")));
        // The build's size is the build container's: Kaniko does the work.
        Container build = pod.getContainers().get(1);
        assertThat(build.getName()).isEqualTo("build");
        assertThat(build.getImage()).isEqualTo(BridgeHarness.KANIKO_IMAGE);
        assertThat(build.getCommand()).containsExactly("/busybox/env", "-i", "/busybox/sh", "-c");
        assertThat(build.getArgs()).isEqualTo(dev.bakery.core.BuildContainer.command());
        assertThat(build.getEnv()).isEmpty();
        assertThat(build.getResources().getRequests()).isEqualTo(Map.of("cpu", new Quantity("1500m"), "memory", new Quantity("3072Mi")));
        assertThat(build.getResources().getLimits()).isEqualTo(build.getResources().getRequests());
        assertThat(build.getVolumeMounts()).extracting(m -> m.getName() + ":" + m.getMountPath()).containsExactly("bakery:/bakery");
        assertThat(agent.getVolumeMounts()).extracting(m -> m.getName() + ":" + m.getMountPath())
                .containsExactly("task:/var/run/bakery", "bakery:/bakery");
        assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals("bakery")).singleElement()
                .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
        // No web-identity variables or token files from the EKS webhook, no service-account token, no shared PIDs.
        assertThat(job.getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry("eks.amazonaws.com/skip-containers", "build");
        assertThat(pod.getShareProcessNamespace()).isNotEqualTo(Boolean.TRUE);
        assertThat(agent.getEnv()).extracting(e -> e.getName() + "=" + e.getValue()).contains(
                "BAKERY_TASK_SPEC_FILE=/var/run/bakery/task.json", "BAKERY_TERMINATION_LOG=/dev/termination-log",
                "BAKERY_BUILD_ID=" + buildId, "BAKERY_TASK_ID=arm64", "AWS_REGION=eu-west-1",
                "BAKERY_PUSH_ROLE_ARN=" + BridgeHarness.PUSH_ROLE);
        assertThat(agent.getTerminationMessagePath()).isEqualTo("/dev/termination-log");

        // The Secret the agent reads its task from, owned by the Job, readable by the agent's own loader.
        Secret spec = h.cluster.client().secrets().withName(jobName(job)).get();
        assertThat(spec.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getKind()).isEqualTo("Job");
            assertThat(owner.getUid()).isEqualTo(job.getMetadata().getUid());
        });
        Path file = temp.resolve("task.json");
        Files.write(file, Base64.getDecoder().decode(spec.getData().get("task.json")));
        TaskSpec loaded = TaskSpecs.fromFile(file);
        assertThat(loaded.buildId()).isEqualTo(buildId);
        assertThat(loaded.task().arch()).isEqualTo(Arch.ARM64);
        assertThat(loaded.task().resources().milliCpu()).isEqualTo(1500);
        assertThat(loaded.contextUrl().getHost()).isEqualTo(BridgeHarness.BUCKET + ".s3.eu-west-1.amazonaws.com");
        assertThat(loaded.contextUrl().getPath()).isEqualTo("/" + BridgeHarness.CONTEXT_KEY);
        assertThat(loaded.contextUrl().getQuery()).contains("X-Amz-Signature=", "X-Amz-Expires=3600");
        // The digest the download must have, and the one way to remove an object that does not have it.
        assertThat(loaded.contextKey()).isEqualTo(BridgeHarness.CONTEXT_KEY);
        assertThat(loaded.contextDeleteUrl().getPath()).isEqualTo("/" + BridgeHarness.CONTEXT_KEY);
        assertThat(loaded.contextDeleteUrl().getQuery()).contains("X-Amz-Signature=", "X-Amz-Expires=3600");

        // Suspended first, Secret next, then let run: the pod never starts without its Secret.
        List<String> writes = h.cluster.requests().stream().filter(r -> !r.method().equals("GET"))
                .map(r -> r.method() + " " + r.path().replaceAll("\\?.*", "")).toList();
        String jobs = "/apis/batch/v1/namespaces/" + MockCluster.NAMESPACE + "/jobs";
        assertThat(writes).containsSubsequence("POST " + jobs, "POST /api/v1/namespaces/" + MockCluster.NAMESPACE + "/secrets",
                "PATCH " + jobs + "/" + jobName(job));
        assertThat(h.cluster.requests().stream().filter(r -> r.method().equals("POST") && r.path().startsWith(jobs)).findFirst()
                .orElseThrow().body()).contains("\"suspend\":true");
    }

    @Test
    void aSuccessfulBuildIsRecordedReportedWithItsDigestAndItsLogsShippedInOrder() throws Exception {
        Task t = arm64TaskWithPod();
        Instant started = Instant.now().minusSeconds(10);

        h.cluster.log(t.pod(), started.plusMillis(1), line(t.buildId(), "fetching context"));
        h.cluster.log(t.pod(), started.plusMillis(2), line(t.buildId(), "building"));
        h.cluster.running(t.pod(), "kaniko", started);
        await(() -> h.store.task(t.buildId(), "arm64").orElseThrow().status() == TaskStatus.RUNNING, "the task item to be RUNNING");
        assertThat(h.store.task(t.buildId(), "arm64").orElseThrow().runner()).isEqualTo("job/" + MockCluster.NAMESPACE + "/" + t.job());
        await(() -> h.aws.logEvents(BridgeHarness.LOG_GROUP).size() == 2, "the first two log lines in CloudWatch Logs");

        h.cluster.log(t.pod(), started.plusMillis(3), line(t.buildId(), "pushed"));
        h.cluster.terminated(t.pod(), "kaniko", "Succeeded", 0, "Completed", agentResult(succeeded(started)), started);
        LoopbackAws.ActivityTask answered = h.awaitClosed(t.token());

        assertThat(answered.status()).isEqualTo("SUCCEEDED");
        JsonNode output = JSON.readTree(answered.output());
        assertThat(output.path("taskId").asText()).isEqualTo("arm64");
        assertThat(output.path("buildId").asText()).isEqualTo(t.buildId());
        assertThat(output.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(output.path("imageDigest").asText()).isEqualTo(DIGEST);
        assertThat(output.path("pushed").get(0).asText()).isEqualTo("registry.example.com/team/app:1.4.0");
        assertThat(answered.heartbeats()).isPositive();

        var item = h.store.task(t.buildId(), "arm64").orElseThrow();
        assertThat(item.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(item.imageDigest()).isEqualTo(DIGEST);

        assertThat(h.aws.logEvents(BridgeHarness.LOG_GROUP)).extracting(LoopbackAws.LogEvent::message)
                .containsExactly(line(t.buildId(), "fetching context"), line(t.buildId(), "building"), line(t.buildId(), "pushed"));
        assertThat(h.aws.logEvents(BridgeHarness.LOG_GROUP)).allSatisfy(e -> {
            assertThat(e.logStream()).isEqualTo("k8s/" + t.buildId() + "/" + t.job());
            assertThat(e.timestamp()).isBetween(started.toEpochMilli() + 1, started.toEpochMilli() + 3);
        });
        await(() -> "true".equals(h.cluster.job(t.job()).getMetadata().getLabels().get("bakery.dev/reported")),
                "the Job to be labelled reported");
        assertThat(h.aws.bodies("SendTaskSuccess")).hasSize(1);
    }

    @Test
    void aFailedBuildIsRecordedAndReportedWithTheAgentsError() throws Exception {
        Task t = arm64TaskWithPod();
        Instant started = Instant.now().minusSeconds(10);
        TaskResult failed = new TaskResult(TaskStatus.FAILED, null, List.of(), 2, started, started.plusSeconds(5),
                "RUN make: exit status 2", false);

        h.cluster.terminated(t.pod(), "kaniko", "Failed", 2, "Error", agentResult(failed), started);
        LoopbackAws.ActivityTask answered = h.awaitClosed(t.token());

        assertThat(answered.status()).isEqualTo("FAILED");
        assertThat(answered.error()).isEqualTo("Bakery.TaskFailed");
        assertThat(answered.cause()).isEqualTo("RUN make: exit status 2");
        var item = h.store.task(t.buildId(), "arm64").orElseThrow();
        assertThat(item.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(item.error()).isEqualTo("RUN make: exit status 2");
    }

    @Test
    void anAgentImageThatCannotBePulledFailsTheTaskWithThatReasonAndRemovesTheJob() {
        Task t = arm64TaskWithPod();

        h.cluster.status(t.pod(), new PodStatusBuilder().withPhase("Pending").withContainerStatuses(new ContainerStatusBuilder()
                .withName("kaniko").withNewState().withNewWaiting().withReason("ImagePullBackOff")
                .withMessage("Back-off pulling image \"" + BridgeHarness.AGENT_IMAGE + "\"").endWaiting().endState().build()).build());
        LoopbackAws.ActivityTask answered = h.awaitClosed(t.token());

        assertThat(answered.status()).isEqualTo("FAILED");
        assertThat(answered.error()).isEqualTo("Bakery.ImagePullFailed");
        assertThat(answered.cause()).isEqualTo("the agent image of Job " + t.job() + " could not be pulled (ImagePullBackOff):"
                + " Back-off pulling image \"" + BridgeHarness.AGENT_IMAGE + "\"");
        await(() -> h.cluster.job(t.job()) == null, "the Job to be deleted");
        // The agent never started: the state machine's Catch records the failure of a PENDING task.
        assertThat(h.store.task(t.buildId(), "arm64").orElseThrow().status()).isEqualTo(TaskStatus.PENDING);
    }

    @Test
    void aPodNoNodeTakesFailsTheTaskOnceItWaitedLongEnough() throws Exception {
        Task t = arm64TaskWithPod();
        String why = "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.";
        h.cluster.status(t.pod(), new PodStatusBuilder().withPhase("Pending").withConditions(new PodConditionBuilder()
                .withType("PodScheduled").withStatus("False").withReason("Unschedulable").withMessage(why)
                .withLastTransitionTime(Instant.now().toString()).build()).build());

        Thread.sleep(BridgeHarness.TIMING.poll().multipliedBy(5).toMillis());
        assertThat(h.aws.activityTask(t.token()).status()).as("a node may still be added").isEqualTo("OPEN");
        h.clock.advance(Duration.ofMinutes(6));
        LoopbackAws.ActivityTask answered = h.awaitClosed(t.token());

        assertThat(answered.error()).isEqualTo("Bakery.Unschedulable");
        assertThat(answered.cause()).isEqualTo("no node could take the pod of Job " + t.job() + " within PT5M: " + why);
        await(() -> h.cluster.job(t.job()) == null, "the Job to be deleted");
    }

    @Test
    void anAgentThatDiesWithoutAResultFailsTheTaskWithHowItEnded() {
        Task t = arm64TaskWithPod();

        h.cluster.terminated(t.pod(), "kaniko", "Failed", 137, "OOMKilled", null, Instant.now());
        LoopbackAws.ActivityTask answered = h.awaitClosed(t.token());

        assertThat(answered.error()).isEqualTo("Bakery.AgentCrashed");
        assertThat(answered.cause()).endsWith("ended without reporting a result (OOMKilled, exit code 137)");
        assertThat(h.store.task(t.buildId(), "arm64").orElseThrow().status()).as("left for the state machine to record")
                .isEqualTo(TaskStatus.RUNNING);
    }

    @Test
    void aJobPastItsDeadlineFailsTheTaskAsTimedOut() {
        Task t = arm64TaskWithPod();
        h.cluster.running(t.pod(), "kaniko", Instant.now());
        await(() -> h.store.task(t.buildId(), "arm64").orElseThrow().status() == TaskStatus.RUNNING, "RUNNING");

        h.cluster.deadlineExceeded(t.job());
        h.cluster.client().pods().withName(t.pod()).delete();
        LoopbackAws.ActivityTask answered = h.awaitClosed(t.token());

        assertThat(answered.error()).isEqualTo("Bakery.TaskTimedOut");
        assertThat(answered.cause()).isEqualTo("task arm64 ran longer than its timeout of 1200s and was stopped before its pod ran");
    }

    @Test
    void aCancelledBuildsJobIsDeletedWithItsPodsAndNothingIsReported() {
        Task t = arm64TaskWithPod();
        h.cluster.running(t.pod(), "kaniko", Instant.now());
        await(() -> h.aws.activityTask(t.token()).heartbeats() > 0, "a heartbeat");

        // StopExecution: the next heartbeat is answered TaskTimedOut.
        h.aws.endActivityTask(t.token(), "TIMED_OUT");
        await(() -> h.cluster.job(t.job()) == null, "the Job to be deleted");

        assertThat(h.cluster.requests()).filteredOn(r -> r.method().equals("DELETE")).singleElement().satisfies(r -> {
            assertThat(r.path()).isEqualTo("/apis/batch/v1/namespaces/" + MockCluster.NAMESPACE + "/jobs/" + t.job());
            assertThat(r.body()).contains("\"propagationPolicy\":\"Background\"");
        });
        assertThat(h.aws.bodies("SendTaskSuccess")).isEmpty();
        assertThat(h.aws.bodies("SendTaskFailure")).isEmpty();
    }

    @Test
    void aRestartedBridgeResumesARunningJobAndReportsItOnceWithoutRepeatingLogLines() throws Exception {
        Task t = arm64TaskWithPod();
        Instant started = Instant.now().minusSeconds(10);
        Instant sameMillis = started.plusMillis(7);
        h.cluster.log(t.pod(), sameMillis, line(t.buildId(), "one"));
        h.cluster.log(t.pod(), sameMillis, line(t.buildId(), "two"));
        h.cluster.running(t.pod(), "kaniko", started);
        await(() -> h.aws.logEvents(BridgeHarness.LOG_GROUP).size() == 2, "two lines shipped");
        t.bridge().close();

        // While no bridge runs: a line in the same millisecond as the last shipped one, and another.
        h.cluster.log(t.pod(), sameMillis, line(t.buildId(), "three"));
        h.cluster.log(t.pod(), sameMillis.plusMillis(1), line(t.buildId(), "four"));
        int heartbeats = h.aws.activityTask(t.token()).heartbeats();
        var second = h.start(2);
        await(() -> h.aws.activityTask(t.token()).heartbeats() > heartbeats, "the new bridge's heartbeat");
        assertThat(second.running()).isEqualTo(1);
        h.cluster.terminated(t.pod(), "kaniko", "Succeeded", 0, "Completed", agentResult(succeeded(started)), started);

        assertThat(h.awaitClosed(t.token()).status()).isEqualTo("SUCCEEDED");
        await(() -> "true".equals(h.cluster.job(t.job()).getMetadata().getLabels().get("bakery.dev/reported")), "reported");
        assertThat(h.aws.bodies("SendTaskSuccess")).hasSize(1);
        assertThat(h.aws.logEvents(BridgeHarness.LOG_GROUP)).extracting(LoopbackAws.LogEvent::message)
                .containsExactly(line(t.buildId(), "one"), line(t.buildId(), "two"), line(t.buildId(), "three"),
                        line(t.buildId(), "four"));
        assertThat(h.cluster.jobs()).hasSize(1);

        // A third start finds nothing left to do.
        second.close();
        assertThat(h.start(2).running()).isZero();
    }

    @Test
    void aTaskOfAnUnknownBuildFailsWithoutAJob() {
        h.start(2);
        String token = h.aws.scheduleActivityTask(h.activityArn,
                "{\"buildId\":\"b-missing\",\"taskId\":\"arm64\",\"platform\":\"k8s\",\"arch\":\"arm64\"}");

        LoopbackAws.ActivityTask answered = h.awaitClosed(token);

        assertThat(answered.error()).isEqualTo("Bakery.InvalidTask");
        assertThat(answered.cause()).isEqualTo("build b-missing does not exist in the table");
        assertThat(h.cluster.jobs()).isEmpty();
    }

    @Test
    void thePlansImagePullLoginBecomesAPullSecretOfTheJob() {
        h.aws.secret("ci/agent-pull", "{\"username\":\"puller\",\"password\":\"pull-s3cret\"}");
        String buildId = h.build(ARM64.replace("    destination:", "    image:\n      secret:\n        - registry: ghcr.io\n"
                + "          secret: ci/agent-pull\n    destination:"));
        h.start(2);
        h.schedule(buildId, "arm64");

        Job job = h.awaitJob("arm64");

        assertThat(job.getSpec().getTemplate().getSpec().getImagePullSecrets()).extracting(r -> r.getName())
                .containsExactly("regcred", jobName(job) + "-pull");
        Secret pull = h.cluster.client().secrets().withName(jobName(job) + "-pull").get();
        assertThat(pull.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
        String config = new String(Base64.getDecoder().decode(pull.getData().get(".dockerconfigjson")), StandardCharsets.UTF_8);
        assertThat(config).isEqualTo("{\"auths\":{\"ghcr.io\":{\"auth\":\""
                + Base64.getEncoder().encodeToString("puller:pull-s3cret".getBytes(StandardCharsets.UTF_8)) + "\"}}}");
        assertThat(pull.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getName()).isEqualTo(jobName(job)));
    }

    @Test
    void noMoreTasksAreTakenThanThereAreSlots() throws Exception {
        String buildId = h.build(ARM64.replace("  - arch: arm64", "  - arch: arm64\n  - arch: amd64"));
        h.start(1);
        String arm = h.schedule(buildId, "arm64");
        String amd = h.schedule(buildId, "amd64");

        Job firstJob = h.awaitJob("arm64");
        Thread.sleep(500);
        assertThat(h.cluster.jobs()).hasSize(1);
        assertThat(h.aws.activityTask(amd).status()).isEqualTo("OPEN");

        String pod = h.cluster.podFor(jobName(firstJob)).getMetadata().getName();
        h.cluster.terminated(pod, "kaniko", "Succeeded", 0, "Completed", agentResult(succeeded(Instant.now())), Instant.now());
        assertThat(h.awaitClosed(arm).status()).isEqualTo("SUCCEEDED");
        h.awaitJob("amd64");
        assertThat(h.cluster.jobs()).hasSize(2);
    }
}
