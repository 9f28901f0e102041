package dev.bakery.k8s.kube;

import dev.bakery.core.BuildContainer;
import dev.bakery.core.BuildTask;
import dev.bakery.k8s.config.AgentPod;
import dev.bakery.k8s.task.TrackedTask;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Job that runs one task, and the Secrets it mounts. Its pod has the agent container and the build
 * container ({@link BuildContainer}: the Kaniko fork's debug image, unmodified, through {@code env -i})
 * sharing an {@code emptyDir}. The build container gets no service-account token (none is mounted in
 * the pod) and, by the pod identity webhook's {@value #SKIP_CONTAINERS} annotation, none of the AWS
 * web-identity variables and token files EKS injects into a pod's containers. The Job is created suspended: its Secrets
 * are created next, owned by the Job (so Kubernetes deletes them with it), and only then is it let
 * run, so its pod never starts without them and an image pull never races its pull secret.
 */
public final class JobTemplate {

    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGER = "bakery-k8s-bridge";
    /** Label: which bridge owns the Job. */
    public static final String BRIDGE = "bakery.dev/bridge";
    public static final String BUILD_ID = "bakery.dev/build-id";
    public static final String TASK_ID = "bakery.dev/task-id";
    public static final String ARCH = "bakery.dev/arch";
    /** Pod label: the Job's name, to find its pod. */
    public static final String JOB = "bakery.dev/job";
    /** Label set once the task's result went to Step Functions: a restarted bridge leaves the Job alone. */
    public static final String REPORTED = "bakery.dev/reported";
    public static final String TASK_TOKEN = "bakery.dev/task-token";
    public static final String CONTAINER = "bakery.dev/container";

    /** The EKS pod identity webhook injects no AWS credentials into the containers this annotation names. */
    public static final String SKIP_CONTAINERS = "eks.amazonaws.com/skip-containers";
    static final String SPEC_DIR = "/var/run/bakery";
    /** The agent streams; the build's memory and CPU are the build container's. */
    private static final Map<String, Quantity> AGENT_RESOURCES = Map.of("cpu", new Quantity("250m"), "memory", new Quantity("512Mi"));
    static final String SPEC_KEY = "task.json";
    static final String TERMINATION_LOG = "/dev/termination-log";
    private static final String DEFAULT_CONTAINER = "kaniko";

    private final AgentPod agent;
    private final String namespace;
    private final String bridgeName;

    public JobTemplate(AgentPod agent, String namespace, String bridgeName) {
        this.agent = agent;
        this.namespace = namespace;
        this.bridgeName = bridgeName;
    }

    /** The agent container's name: the plan's {@code kaniko.container-name}, {@code kaniko} by default. */
    public static String containerName(BuildTask task) {
        String name = task.kaniko().containerName();
        return name == null || name.isBlank() ? DEFAULT_CONTAINER : name;
    }

    public static String pullSecretName(String jobName) {
        return jobName + "-pull";
    }

    /**
     * The suspended Job for {@code task}.
     *
     * @param withPullSecret whether the plan's image pull logins get a Secret of their own
     */
    public Job job(TrackedTask tracked, BuildTask task, boolean withPullSecret) {
        String name = tracked.jobName();
        if (tracked.container().equals(BuildContainer.NAME)) {
            throw new IllegalArgumentException("kaniko.container-name \"" + BuildContainer.NAME + "\" is the build container's"
                    + " name in the pod: choose another name for the agent's container");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, MANAGER);
        labels.put(BRIDGE, Names.labelValue(bridgeName));
        labels.put(BUILD_ID, Names.labelValue(tracked.buildId()));
        labels.put(TASK_ID, tracked.taskId());
        labels.put(ARCH, task.arch().key());
        Map<String, String> podLabels = new LinkedHashMap<>(labels);
        podLabels.put(JOB, name);

        Map<String, String> nodeSelector = new LinkedHashMap<>(agent.nodeSelector());
        nodeSelector.put("kubernetes.io/os", "linux");
        nodeSelector.put("kubernetes.io/arch", task.arch().key());

        List<LocalObjectReference> pullSecrets = new ArrayList<>();
        agent.imagePullSecrets().forEach(s -> pullSecrets.add(new LocalObjectReference(s)));
        if (withPullSecret) {
            pullSecrets.add(new LocalObjectReference(pullSecretName(name)));
        }
        Map<String, Quantity> resources = Map.of(
                "cpu", new Quantity(task.resources().milliCpu() + "m"),
                "memory", new Quantity(task.resources().memoryMiB() + "Mi"));

        return new JobBuilder()
                .withNewMetadata()
                    .withName(name).withNamespace(namespace).withLabels(labels)
                    .withAnnotations(Map.of(TASK_TOKEN, tracked.token(), BUILD_ID, tracked.buildId(), TASK_ID, tracked.taskId(),
                            CONTAINER, tracked.container()))
                .endMetadata()
                .withNewSpec()
                    .withSuspend(true)
                    .withBackoffLimit(0)
                    .withActiveDeadlineSeconds((long) task.timeoutSeconds())
                    .withTtlSecondsAfterFinished(agent.ttlSecondsAfterFinished())
                    .withNewTemplate()
                        .withNewMetadata().withLabels(podLabels)
                            .withAnnotations(Map.of(SKIP_CONTAINERS, BuildContainer.NAME)).endMetadata()
                        .withNewSpec()
                            .withRestartPolicy("Never")
                            .withServiceAccountName(agent.serviceAccount())
                            // Neither container calls the Kubernetes API; IRSA projects the agent's own token.
                            .withAutomountServiceAccountToken(false)
                            .withNodeSelector(nodeSelector)
                            .withTolerations(agent.tolerations())
                            .withImagePullSecrets(pullSecrets)
                            .addNewContainer()
                                .withName(tracked.container())
                                .withImage(agent.image())
                                .withEnv(env(tracked))
                                .withNewResources().withRequests(AGENT_RESOURCES).withLimits(AGENT_RESOURCES).endResources()
                                .addNewVolumeMount().withName("task").withMountPath(SPEC_DIR).withReadOnly(true).endVolumeMount()
                                .addNewVolumeMount().withName(BuildContainer.VOLUME).withMountPath(BuildContainer.VOLUME_PATH)
                                .endVolumeMount()
                                .withTerminationMessagePath(TERMINATION_LOG)
                                .withTerminationMessagePolicy("File")
                            .endContainer()
                            .addNewContainer()
                                .withName(BuildContainer.NAME)
                                .withImage(agent.kanikoImage())
                                .withCommand(BuildContainer.entryPoint())
                                .withArgs(BuildContainer.command())
                                .withNewResources().withRequests(resources).withLimits(resources).endResources()
                                .addNewVolumeMount().withName(BuildContainer.VOLUME).withMountPath(BuildContainer.VOLUME_PATH)
                                .endVolumeMount()
                            .endContainer()
                            .addNewVolume().withName("task")
                                .withNewSecret().withSecretName(name).withDefaultMode(0400).endSecret()
                            .endVolume()
                            // The context, the logins and the build's output FIFO; gone with the pod.
                            .addNewVolume().withName(BuildContainer.VOLUME).withNewEmptyDir().endEmptyDir().endVolume()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    private List<EnvVar> env(TrackedTask tracked) {
        List<EnvVar> env = new ArrayList<>(List.of(
                new EnvVar("BAKERY_TASK_SPEC_FILE", SPEC_DIR + "/" + SPEC_KEY, null),
                new EnvVar("BAKERY_TERMINATION_LOG", TERMINATION_LOG, null),
                new EnvVar("BAKERY_BUILD_ID", tracked.buildId(), null),
                new EnvVar("BAKERY_TASK_ID", tracked.taskId(), null),
                new EnvVar("AWS_REGION", agent.region(), null)));
        if (agent.pushRoleArn() != null) {
            env.add(new EnvVar("BAKERY_PUSH_ROLE_ARN", agent.pushRoleArn(), null));
        }
        return env;
    }

    /** The agent's task spec file ({@code {buildId, taskId, plan, contextKey, contextUrl, contextDeleteUrl}}): the presigned URLs are credentials. */
    public Secret taskSpec(String jobName, String specJson) {
        return secret(jobName, "Opaque", SPEC_KEY, specJson);
    }

    /** A {@code kubernetes.io/dockerconfigjson} Secret with the plan's logins for the agent image's registry. */
    public Secret pullSecret(String jobName, String dockerConfigJson) {
        return secret(pullSecretName(jobName), "kubernetes.io/dockerconfigjson", ".dockerconfigjson", dockerConfigJson);
    }

    private Secret secret(String name, String type, String key, String value) {
        return new SecretBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace)
                    .withLabels(Map.of(MANAGED_BY, MANAGER, BRIDGE, Names.labelValue(bridgeName))).endMetadata()
                .withType(type)
                .withData(Map.of(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))))
                .build();
    }
}
