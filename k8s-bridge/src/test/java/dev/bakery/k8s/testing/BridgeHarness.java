package dev.bakery.k8s.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.BuildTask;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import dev.bakery.testing.LoopbackAws;
import dev.bakery.registry.SecretsManagerSecrets;
import dev.bakery.store.BuildRecord;
import dev.bakery.store.BuildStore;
import dev.bakery.store.TaskRecord;
import dev.bakery.testing.Await;
import dev.bakery.store.testing.Builds;
import dev.bakery.store.testing.LocalDynamo;
import dev.bakery.k8s.activity.Activities;
import dev.bakery.k8s.bridge.Bridge;
import dev.bakery.k8s.bridge.Launcher;
import dev.bakery.k8s.config.AgentPod;
import dev.bakery.k8s.config.BridgeConfig;
import dev.bakery.k8s.config.Timing;
import dev.bakery.k8s.config.Tolerations;
import dev.bakery.k8s.kube.Cluster;
import dev.bakery.k8s.kube.JobTemplate;
import dev.bakery.k8s.logs.BuildLogs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * A bridge against real stand-ins: fabric8's mock API server, dynalite, and the loopback AWS
 * server for the activity API, CloudWatch Logs and Secrets Manager. Timings are milliseconds.
 */
public final class BridgeHarness implements AutoCloseable {

    public static final String REGION = "eu-west-1";
    public static final String BUCKET = "bakery-contexts";
    public static final String LOG_GROUP = "/bakery/builds";
    public static final String CONTEXT_KEY = "contexts/" + "ab".repeat(32) + ".tar.gz";
    public static final String AGENT_IMAGE = "registry.example.com/bakery/agent:1.0";
    public static final String PUSH_ROLE = "arn:aws:iam::111122223333:role/bakery-push";
    /** A digest-pinned placeholder: none of the real image was read here. */
    public static final String KANIKO_IMAGE = "ghcr.io/osscontainertools/kaniko:v1.28.3-debug@sha256:" + "1".repeat(64);
    public static final Timing TIMING = new Timing(Duration.ofMillis(300), Duration.ofMillis(40), Duration.ofMinutes(5),
            Duration.ofHours(1));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger BUILDS = new AtomicInteger();

    public final LoopbackAws aws = LoopbackAws.start().activityPollWait(Duration.ofMillis(100));
    public final LocalDynamo dynamo = LocalDynamo.start();
    public final MockCluster cluster = new MockCluster();
    public final MutableClock clock = new MutableClock();
    public final BuildStore store = new BuildStore(dynamo.client(), LocalDynamo.TABLE, Clock.systemUTC());
    public final String activityArn = aws.activity(REGION, "bakery-k8s");
    public final AgentPod agent = new AgentPod(AGENT_IMAGE, KANIKO_IMAGE, "bakery-agent", List.of("regcred"),
            List.of(Tolerations.parse("kubernetes.io/arch=arm64:NoSchedule"), Tolerations.parse("dedicated:NoExecute")),
            Map.of("node.kubernetes.io/lifecycle", "on-demand"), 3600, REGION, PUSH_ROLE);
    private final S3Presigner presigner = S3Presigner.builder().region(Region.of(REGION))
            .credentialsProvider(LoopbackAws.credentials()).build();
    private final List<Bridge> bridges = new ArrayList<>();

    public BridgeHarness() {
        aws.logGroup(LOG_GROUP);
    }

    public BridgeConfig config(int slots) {
        return new BridgeConfig(activityArn, "bridge-pod-1", MockCluster.NAMESPACE, "bakery", slots, LocalDynamo.TABLE, BUCKET,
                LOG_GROUP, agent, TIMING);
    }

    /** A started bridge; closed with the harness unless the test closes it first. */
    public Bridge start(int slots) {
        BridgeConfig config = config(slots);
        Cluster k8s = new Cluster(cluster.client(), MockCluster.NAMESPACE);
        Launcher launcher = new Launcher(store, k8s, new JobTemplate(agent, MockCluster.NAMESPACE, config.bridgeName()), presigner,
                new SecretsManagerSecrets(aws.secretsManager(REGION)), BUCKET, TIMING.presignedUrl());
        Bridge bridge = new Bridge(config, new Activities(aws.sfn(REGION)), launcher, k8s, store,
                new BuildLogs(aws.logs(REGION), LOG_GROUP), clock);
        bridge.start();
        bridges.add(bridge);
        return bridge;
    }

    /** A build of {@code configYaml} as the submit handler writes it: build item and PENDING task items. */
    public String build(String configYaml) {
        BuildPlan plan = BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", configYaml))).builds().getFirst().plan();
        String id = "b-20250101T000000Z-" + BUILDS.incrementAndGet() + "abcd";
        List<TaskRecord> tasks = plan.tasks().stream()
                .map(t -> TaskRecord.pending(id, t.id(), t.arch().key())).toList();
        Builds.create(store, BuildRecord.queued(id, plan, CONTEXT_KEY, "arn:aws:iam::111122223333:user/ci", Map.of(),
                Instant.now(), null), tasks);
        return id;
    }

    /** The state machine reaches the k8s Task state for this task: the Map item of the execution input. */
    public String schedule(String buildId, String taskId) {
        BuildTask task = store.build(buildId).orElseThrow().plan().task(taskId);
        var item = JSON.createObjectNode().put("buildId", buildId).put("taskId", taskId).put("arch", task.arch().key())
                .put("platform", "k8s").put("cpu", Integer.toString(task.resources().ecsCpuUnits()))
                .put("memory", Integer.toString(task.resources().memoryMiB())).put("timeoutSeconds", task.timeoutSeconds())
                .put("spot", false).put("activityArn", activityArn);
        return aws.scheduleActivityTask(activityArn, item.toString());
    }

    /** The Job made for a token (one per task token). */
    public io.fabric8.kubernetes.api.model.batch.v1.Job awaitJob(String taskId) {
        await(() -> cluster.jobs().stream().anyMatch(j -> taskId.equals(j.getMetadata().getAnnotations().get(JobTemplate.TASK_ID))
                && Boolean.FALSE.equals(j.getSpec().getSuspend())), "a running Job for task " + taskId);
        return cluster.jobs().stream().filter(j -> taskId.equals(j.getMetadata().getAnnotations().get(JobTemplate.TASK_ID)))
                .findFirst().orElseThrow();
    }

    public LoopbackAws.ActivityTask awaitClosed(String token) {
        await(() -> !aws.activityTask(token).status().equals("OPEN"), "task " + token.substring(0, 12) + " to be answered");
        return aws.activityTask(token);
    }

    public static void await(BooleanSupplier condition, String what) {
        Await.until(Duration.ofSeconds(15), condition, what);
    }

    @Override
    public void close() {
        bridges.forEach(Bridge::close);
        presigner.close();
        cluster.close();
        dynamo.close();
        aws.close();
    }
}
