package dev.bakery.k8s.bridge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.core.BuildTask;
import dev.bakery.core.Platform;
import dev.bakery.core.PlanJson;
import dev.bakery.core.RegistryCredential;
import dev.bakery.registry.CredentialException;
import dev.bakery.registry.EcrTokens;
import dev.bakery.registry.Login;
import dev.bakery.registry.PlanCredentials;
import dev.bakery.registry.SecretReader;
import dev.bakery.store.BuildRecord;
import dev.bakery.store.BuildStore;
import dev.bakery.k8s.activity.ActivityTask;
import dev.bakery.k8s.kube.Cluster;
import dev.bakery.k8s.kube.DockerConfigJson;
import dev.bakery.k8s.kube.JobTemplate;
import dev.bakery.k8s.kube.Names;
import dev.bakery.k8s.task.TaskFailedException;
import dev.bakery.k8s.task.TaskFailure;
import dev.bakery.k8s.task.TaskRequest;
import dev.bakery.k8s.task.TrackedTask;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Turns an activity task into a running Job: reads the build's plan, creates the Job suspended,
 * gives it its Secrets (the agent's task spec with a presigned context URL; the plan's image pull
 * logins, if any), then lets it run.
 */
public final class Launcher {

    private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BuildStore store;
    private final Cluster cluster;
    private final JobTemplate template;
    private final S3Presigner presigner;
    private final SecretReader secrets;
    private final String contextBucket;
    private final Duration urlLifetime;

    public Launcher(BuildStore store, Cluster cluster, JobTemplate template, S3Presigner presigner, SecretReader secrets,
            String contextBucket, Duration urlLifetime) {
        this.store = store;
        this.cluster = cluster;
        this.template = template;
        this.presigner = presigner;
        this.secrets = secrets;
        this.contextBucket = contextBucket;
        this.urlLifetime = urlLifetime;
    }

    /** @throws TaskFailedException nothing runs for this task (and no Job is left behind) */
    public TrackedTask launch(ActivityTask activity) throws TaskFailedException {
        TaskRequest request;
        try {
            request = TaskRequest.parse(activity.input());
        } catch (IllegalArgumentException e) {
            throw new TaskFailedException(TaskFailure.INVALID_TASK, e.getMessage());
        }
        BuildRecord build = build(request.buildId());
        BuildTask task = task(build, request.taskId());
        TrackedTask tracked = new TrackedTask(activity.token(), build.id(), task.id(), Names.jobName(task.id(), activity.token()),
                JobTemplate.containerName(task));
        Job job;
        try {
            job = cluster.create(template.job(tracked, task, !task.imagePullCredentials().isEmpty()));
        } catch (KubernetesClientException e) {
            throw new TaskFailedException(TaskFailure.JOB_NOT_CREATED, "Kubernetes refused Job " + tracked.jobName()
                    + " in namespace " + cluster.namespace() + ": " + e.getMessage());
        }
        release(job, tracked, build, task);
        return tracked;
    }

    /** For a Job a restarted bridge finds: a suspended one did not get its Secrets yet. */
    public void resume(Job job, TrackedTask tracked) throws TaskFailedException {
        if (Boolean.TRUE.equals(job.getSpec().getSuspend())) {
            BuildRecord build = build(tracked.buildId());
            release(job, tracked, build, task(build, tracked.taskId()));
        }
    }

    private BuildRecord build(String buildId) throws TaskFailedException {
        return store.build(buildId).orElseThrow(() -> new TaskFailedException(TaskFailure.INVALID_TASK,
                "build " + buildId + " does not exist in the table"));
    }

    private static BuildTask task(BuildRecord build, String taskId) throws TaskFailedException {
        BuildTask task;
        try {
            task = build.plan().task(taskId);
        } catch (IllegalArgumentException e) {
            throw new TaskFailedException(TaskFailure.INVALID_TASK, "build " + build.id() + ": " + e.getMessage());
        }
        if (task.platform() != Platform.K8S) {
            throw new TaskFailedException(TaskFailure.INVALID_TASK, "task " + taskId + " of build " + build.id()
                    + " is planned for platform " + task.platform().key() + ", not k8s");
        }
        return task;
    }

    private void release(Job job, TrackedTask tracked, BuildRecord build, BuildTask task) throws TaskFailedException {
        try {
            cluster.create(template.taskSpec(tracked.jobName(), taskSpec(tracked, build)), job);
            if (!task.imagePullCredentials().isEmpty()) {
                cluster.create(template.pullSecret(tracked.jobName(), pullLogins(build.id(), task)), job);
            }
            cluster.resume(tracked.jobName());
        } catch (TaskFailedException e) {
            deleteQuietly(tracked);
            throw e;
        } catch (KubernetesClientException e) {
            deleteQuietly(tracked);
            throw new TaskFailedException(TaskFailure.JOB_NOT_CREATED, "Kubernetes refused the Secrets or the start of Job "
                    + tracked.jobName() + " in namespace " + cluster.namespace() + ": " + e.getMessage());
        }
    }

    /** The file the agent reads ({@code BAKERY_TASK_SPEC_FILE}): see the agent's {@code TaskSpecs.fromFile}. */
    private String taskSpec(TrackedTask tracked, BuildRecord build) throws TaskFailedException {
        if (build.contextKey() == null) {
            throw new TaskFailedException(TaskFailure.INVALID_TASK, "build " + build.id() + " has no context");
        }
        String url = presigner.presignGetObject(r -> r.signatureDuration(urlLifetime)
                .getObjectRequest(get -> get.bucket(contextBucket).key(build.contextKey()))).url().toString();
        // The agent removes an object that is not its key's content through this one URL.
        String delete = presigner.presignDeleteObject(r -> r.signatureDuration(urlLifetime)
                .deleteObjectRequest(d -> d.bucket(contextBucket).key(build.contextKey()))).url().toString();
        ObjectNode spec = JSON.createObjectNode().put("buildId", build.id()).put("taskId", tracked.taskId());
        try {
            spec.set("plan", JSON.readTree(PlanJson.write(build.plan())));
        } catch (IOException e) {
            throw new IllegalStateException("PlanJson writes JSON", e);
        }
        return spec.put("contextKey", build.contextKey()).put("contextUrl", url).put("contextDeleteUrl", delete).toString();
    }

    private String pullLogins(String buildId, BuildTask task) throws TaskFailedException {
        PlanCredentials logins = new PlanCredentials(task.imagePullCredentials(), buildId, secrets, EcrTokens.none());
        Map<String, Login> byRegistry = new LinkedHashMap<>();
        try {
            for (RegistryCredential credential : task.imagePullCredentials()) {
                logins.loginFor(credential.registry()).ifPresent(login -> byRegistry.putIfAbsent(credential.registry(), login));
            }
        } catch (CredentialException | SdkException e) {
            throw new TaskFailedException(TaskFailure.CREDENTIALS, "cannot read the agent image's pull login"
                    + " (kaniko.image.secret) of task " + task.id() + ": " + e.getMessage());
        }
        return DockerConfigJson.of(byRegistry);
    }

    private void deleteQuietly(TrackedTask tracked) {
        try {
            cluster.delete(tracked.jobName());
        } catch (KubernetesClientException e) {
            LOG.warn("could not delete Job {} of a task that cannot run: {}", tracked.jobName(), e.getMessage());
        }
    }
}
