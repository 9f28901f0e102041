package dev.bakery.k8s.config;

import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the bridge dresses every agent Job. config.yaml has no keys for these (the plan says what to
 * build, not how the cluster is laid out), so they are the bridge's own settings: the cluster's
 * operator sets them once in the Deployment.
 *
 * @param image                   the agent image (a multi-arch index: each node pulls its own arch)
 * @param kanikoImage             the build container's image: the Kaniko fork's debug image, unmodified, pinned by digest
 * @param serviceAccount          the Jobs' service account (e.g. bound to an IAM role through IRSA), or null for the default
 * @param imagePullSecrets        names of existing pull secrets in the namespace
 * @param tolerations             added to every Job, e.g. for tainted arm64 node groups
 * @param nodeSelector            added to the {@code kubernetes.io/arch} selector every Job gets
 * @param ttlSecondsAfterFinished how long finished Jobs (and their pods and logs) stay
 * @param region                  the AWS region, passed to the agent (it reads registry secrets there)
 * @param pushRoleArn             the role the agent assumes, scoped to a task's repositories, for ECR logins; null: none
 */
public record AgentPod(String image, String kanikoImage, String serviceAccount, List<String> imagePullSecrets, List<Toleration> tolerations,
        Map<String, String> nodeSelector, int ttlSecondsAfterFinished, String region, String pushRoleArn) {

    public AgentPod {
        Objects.requireNonNull(image, "image");
        if (kanikoImage == null || !kanikoImage.matches("[^@\\s]+@sha256:[0-9a-f]{64}")) {
            throw new IllegalArgumentException("the Kaniko image must be pinned by digest (NAME@sha256:<64 hex digits>), not "
                    + kanikoImage);
        }
        Objects.requireNonNull(region, "region");
        imagePullSecrets = List.copyOf(imagePullSecrets);
        tolerations = List.copyOf(tolerations);
        nodeSelector = Map.copyOf(nodeSelector);
        if (ttlSecondsAfterFinished < 0) {
            throw new IllegalArgumentException("ttlSecondsAfterFinished must not be negative");
        }
    }
}
