package dev.bakery.k8s.kube;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The bridge's calls to the Kubernetes API, all in one namespace; the Role in deploy/ allows exactly these. */
public final class Cluster {

    private final KubernetesClient client;
    private final String namespace;

    public Cluster(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    public String namespace() {
        return namespace;
    }

    /** Creates the Job; if it exists already (a retried create), returns that one. */
    public Job create(Job job) {
        try {
            return client.batch().v1().jobs().inNamespace(namespace).resource(job).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                return job(job.getMetadata().getName()).orElseThrow(() -> e);
            }
            throw e;
        }
    }

    /** Creates the Secret owned by {@code owner}, so that it goes when the Job goes; an existing one is kept. */
    public void create(Secret secret, Job owner) {
        secret.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder()
                .withApiVersion("batch/v1").withKind("Job").withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid()).build()));
        try {
            client.secrets().inNamespace(namespace).resource(secret).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
        }
    }

    public void resume(String jobName) {
        client.batch().v1().jobs().inNamespace(namespace).withName(jobName).edit(job -> {
            job.getSpec().setSuspend(false);
            return job;
        });
    }

    public Optional<Job> job(String name) {
        return Optional.ofNullable(client.batch().v1().jobs().inNamespace(namespace).withName(name).get());
    }

    /** The Job's newest pod (backoffLimit 0 makes one; a deleted pod's replacement is newer). */
    public Optional<Pod> pod(String jobName) {
        return client.pods().inNamespace(namespace).withLabel(JobTemplate.JOB, jobName).list().getItems().stream()
                .max(Comparator.comparing((Pod p) -> Optional.ofNullable(p.getMetadata().getCreationTimestamp()).orElse("")));
    }

    /**
     * The container's log with the kubelet's timestamp on each line.
     *
     * @param since from this time on, whole seconds (the API's precision), or null for all of it
     */
    public String log(String pod, String container, Instant since) {
        var lines = client.pods().inNamespace(namespace).withName(pod).inContainer(container).usingTimestamps();
        return since == null ? lines.getLog() : lines.sinceTime(since.truncatedTo(ChronoUnit.SECONDS).toString()).getLog();
    }

    /** Deletes the Job; Background propagation has its pods (and owned Secrets) deleted right after. */
    public void delete(String jobName) {
        client.batch().v1().jobs().inNamespace(namespace).withName(jobName)
                .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    }

    /** The Jobs of this bridge whose result has not been reported. */
    public List<Job> unreported(String bridgeName) {
        return client.batch().v1().jobs().inNamespace(namespace)
                .withLabel(JobTemplate.MANAGED_BY, JobTemplate.MANAGER)
                .withLabel(JobTemplate.BRIDGE, Names.labelValue(bridgeName))
                .list().getItems().stream()
                .filter(job -> !labelled(job, JobTemplate.REPORTED))
                .toList();
    }

    public void markReported(String jobName) {
        try {
            client.batch().v1().jobs().inNamespace(namespace).withName(jobName).edit(job -> {
                job.getMetadata().getLabels().put(JobTemplate.REPORTED, "true");
                return job;
            });
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
                throw e;
            }
        }
    }

    private static boolean labelled(HasMetadata resource, String label) {
        var labels = resource.getMetadata().getLabels();
        return labels != null && labels.containsKey(label);
    }
}
