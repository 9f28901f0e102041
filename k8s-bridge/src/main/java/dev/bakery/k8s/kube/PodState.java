package dev.bakery.k8s.kube;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Where the agent's pod stands, read from its status. */
public sealed interface PodState {

    /** Kubelet reasons that mean the image will not be pulled without someone fixing something. */
    Set<String> PULL_FAILURES = Set.of("ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull");

    /** No pod yet, or one being scheduled, pulled, started. */
    record Waiting() implements PodState {
    }

    /** The scheduler found no node for it (yet: a cluster autoscaler may add one). */
    record Unschedulable(String message, Instant since) implements PodState {
    }

    record ImagePullFailed(String reason, String message) implements PodState {
    }

    record Running(String pod, Instant startedAt) implements PodState {
    }

    /**
     * The agent's container ended.
     *
     * @param terminationMessage the agent's result JSON, or null if it wrote none
     * @param reason             the kubelet's reason, e.g. {@code Completed}, {@code Error}, {@code OOMKilled}, {@code Evicted}
     */
    record Terminated(String pod, int exitCode, String reason, String terminationMessage, Instant startedAt)
            implements PodState {
    }

    /** @param seenAt when the bridge looked, for an unschedulable pod without a transition time */
    static PodState of(Pod pod, String container, Instant seenAt) {
        PodStatus status = pod.getStatus();
        if (status == null) {
            return new Waiting();
        }
        String name = pod.getMetadata().getName();
        Optional<ContainerState> state = Optional.ofNullable(status.getContainerStatuses()).orElse(List.of()).stream()
                .filter(s -> container.equals(s.getName())).findFirst().map(ContainerStatus::getState);
        if (state.map(ContainerState::getTerminated).isPresent()) {
            var t = state.get().getTerminated();
            return new Terminated(name, t.getExitCode() == null ? -1 : t.getExitCode(), t.getReason(), t.getMessage(),
                    instant(t.getStartedAt(), seenAt));
        }
        if ("Failed".equals(status.getPhase())) {
            // Evicted or rejected by the kubelet before the container ran: no container state at all.
            return new Terminated(name, -1, status.getReason(), null, seenAt);
        }
        if (state.map(ContainerState::getRunning).isPresent()) {
            return new Running(name, instant(state.get().getRunning().getStartedAt(), seenAt));
        }
        if (state.map(ContainerState::getWaiting).isPresent()) {
            var w = state.get().getWaiting();
            if (PULL_FAILURES.contains(w.getReason())) {
                return new ImagePullFailed(w.getReason(), w.getMessage());
            }
        }
        for (PodCondition c : Optional.ofNullable(status.getConditions()).orElse(List.of())) {
            if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()) && "Unschedulable".equals(c.getReason())) {
                return new Unschedulable(c.getMessage(), instant(c.getLastTransitionTime(), seenAt));
            }
        }
        return new Waiting();
    }

    private static Instant instant(String time, Instant fallback) {
        try {
            return time == null ? fallback : Instant.parse(time);
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }
}
