package dev.bakery.k8s.bridge;

import dev.bakery.store.BuildStore;
import dev.bakery.store.ResultConflictException;
import dev.bakery.core.status.TaskResult;
import dev.bakery.core.status.TaskStatus;
import dev.bakery.k8s.activity.Activities;
import dev.bakery.k8s.config.Timing;
import dev.bakery.k8s.kube.Cluster;
import dev.bakery.k8s.kube.PodState;
import dev.bakery.k8s.logs.BuildLogs;
import dev.bakery.k8s.logs.LogCursor;
import dev.bakery.k8s.logs.LogLine;
import dev.bakery.k8s.task.TaskFailure;
import dev.bakery.k8s.task.TaskOutput;
import dev.bakery.k8s.task.TerminationMessage;
import dev.bakery.k8s.task.TrackedTask;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Watches one task's Job until it ends: heartbeats to Step Functions, ships the pod's log lines,
 * marks the task running when its container starts, and turns how the pod ended into the task's
 * outcome. Stops without reporting when the bridge stops (the next one resumes from the Job).
 */
final class Supervisor {

    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

    /** What every supervisor uses. */
    record Services(Activities activities, Cluster cluster, BuildStore store, BuildLogs logs, Reporter reporter, Clock clock,
            Timing timing) {
    }

    private final TrackedTask task;
    private final Services s;
    private final BooleanSupplier stopping;
    /** Null until read: from the log stream for an adopted Job, which may have shipped lines before. */
    private LogCursor cursor;
    private boolean streamCreated;
    private boolean started;

    Supervisor(TrackedTask task, Services services, boolean adopted, BooleanSupplier stopping) {
        this.task = task;
        this.s = services;
        this.stopping = stopping;
        this.cursor = adopted ? null : LogCursor.START;
    }

    void run() {
        Instant nextHeartbeat = Instant.MIN;
        while (!stopping.getAsBoolean()) {
            Instant now = s.clock().instant();
            if (!now.isBefore(nextHeartbeat)) {
                Optional<Boolean> alive = heartbeat();
                if (alive.isPresent() && !alive.get()) {
                    cancel();
                    return;
                }
                if (alive.isPresent()) {
                    nextHeartbeat = now.plus(s.timing().heartbeat());
                }
            }
            Optional<Outcome> outcome;
            try {
                outcome = look(now);
            } catch (KubernetesClientException | SdkException e) {
                LOG.warn("{}: cannot check on it, trying again: {}", task, e.getMessage());
                outcome = Optional.empty();
            }
            if (outcome.isPresent()) {
                s.reporter().finish(task, outcome.get());
                return;
            }
            if (!Pause.of(s.timing().poll())) {
                return;
            }
        }
    }

    /** @return whether the task is still alive for Step Functions; empty when that is unknown now */
    private Optional<Boolean> heartbeat() {
        try {
            return Optional.of(s.activities().heartbeat(task.token()));
        } catch (SdkException e) {
            LOG.warn("{}: heartbeat failed, trying again: {}", task, e.getMessage());
            return Optional.empty();
        }
    }

    private void cancel() {
        LOG.info("{} is over for Step Functions (build cancelled or task timed out): deleting its Job", task);
        try {
            s.cluster().pod(task.jobName()).ifPresent(pod -> ship(pod.getMetadata().getName()));
            s.cluster().delete(task.jobName());
        } catch (KubernetesClientException e) {
            LOG.warn("{}: could not delete its Job: {}", task, e.getMessage());
        }
    }

    private Optional<Outcome> look(Instant now) {
        Optional<Job> job = s.cluster().job(task.jobName());
        if (job.isEmpty()) {
            return failed(null, TaskFailure.JOB_DELETED, "Job " + task.jobName() + " was deleted before its task ended");
        }
        PodState state = s.cluster().pod(task.jobName()).map(pod -> PodState.of(pod, task.container(), now))
                .orElse(new PodState.Waiting());
        switch (state) {
            case PodState.Unschedulable u -> {
                if (!now.isBefore(u.since().plus(s.timing().unschedulableAfter()))) {
                    s.cluster().delete(task.jobName());
                    return failed(null, TaskFailure.UNSCHEDULABLE, "no node could take the pod of Job " + task.jobName()
                            + " within " + s.timing().unschedulableAfter() + ": " + u.message());
                }
            }
            case PodState.ImagePullFailed f -> {
                s.cluster().delete(task.jobName());
                return failed(null, TaskFailure.IMAGE_PULL, "the agent image of Job " + task.jobName()
                        + " could not be pulled (" + f.reason() + "): " + f.message());
            }
            case PodState.Running r -> {
                started(r.startedAt());
                ship(r.pod());
            }
            case PodState.Terminated t -> {
                started(t.startedAt());
                ship(t.pod());
                return Optional.of(ended(t, job.get()));
            }
            case PodState.Waiting w -> {
                Optional<JobCondition> failedJob = condition(job.get(), "Failed");
                if (failedJob.isPresent()) {
                    JobCondition c = failedJob.get();
                    return "DeadlineExceeded".equals(c.getReason())
                            ? failed(null, TaskFailure.TIMED_OUT, timedOut(job.get(), "before its pod ran"))
                            : failed(null, TaskFailure.AGENT_CRASHED, "Job " + task.jobName() + " failed without a result ("
                                    + c.getReason() + ": " + c.getMessage() + ")");
                }
            }
        }
        return Optional.empty();
    }

    private Outcome ended(PodState.Terminated t, Job job) {
        boolean deadline = condition(job, "Failed").map(c -> "DeadlineExceeded".equals(c.getReason())).orElse(false);
        Optional<TaskResult> result = TerminationMessage.parse(t.terminationMessage());
        String how = (t.reason() == null ? "" : t.reason() + ", ") + "exit code " + t.exitCode();
        if (result.isPresent()) {
            TaskResult r = result.get();
            if (r.status() == TaskStatus.SUCCEEDED) {
                return new Outcome.Succeeded(r, TaskOutput.of(task, r));
            }
            String error = Objects.requireNonNullElse(r.error(), "the build failed with exit code " + r.exitCode());
            return new Outcome.Failed(r, new TaskFailure(deadline ? TaskFailure.TIMED_OUT : TaskFailure.BUILD_FAILED,
                    deadline ? timedOut(job, "(" + error + ")") : error));
        }
        return deadline
                ? new Outcome.Failed(null, new TaskFailure(TaskFailure.TIMED_OUT, timedOut(job, "(" + how + ")")))
                : new Outcome.Failed(null, new TaskFailure(TaskFailure.AGENT_CRASHED, "the agent container of Job "
                        + task.jobName() + " ended without reporting a result (" + how + ")"));
    }

    private String timedOut(Job job, String detail) {
        return "task " + task.taskId() + " ran longer than its timeout of " + job.getSpec().getActiveDeadlineSeconds()
                + "s and was stopped " + detail;
    }

    private static Optional<Outcome> failed(TaskResult result, String error, String cause) {
        return Optional.of(new Outcome.Failed(result, new TaskFailure(error, cause)));
    }

    private static Optional<JobCondition> condition(Job job, String type) {
        return job.getStatus() == null || job.getStatus().getConditions() == null ? Optional.empty()
                : job.getStatus().getConditions().stream()
                        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus())).findFirst();
    }

    /**
     * The task item becomes RUNNING when the agent's container starts (the agent on k8s cannot write
     * it), naming the Job it runs in.
     */
    private void started(Instant at) {
        if (started) {
            return;
        }
        try {
            s.store().startTask(task.buildId(), task.taskId(), at, "job/" + s.cluster().namespace() + "/" + task.jobName());
        } catch (ResultConflictException e) {
            LOG.info("{}: the task item keeps its state: {}", task, e.getMessage());
        }
        started = true;
    }

    /** Ships the log lines not shipped yet; a failure leaves the cursor, so the next look ships them. */
    private void ship(String pod) {
        try {
            if (cursor == null) {
                cursor = s.logs().cursor(task.logStream());
            }
            List<LogLine> fresh = cursor.unshipped(LogLine.parse(s.cluster().log(pod, task.container(), cursor.since())));
            if (fresh.isEmpty()) {
                return;
            }
            if (!streamCreated) {
                s.logs().createStream(task.logStream());
                streamCreated = true;
            }
            s.logs().put(task.logStream(), fresh);
            cursor = cursor.after(fresh);
        } catch (KubernetesClientException | SdkException e) {
            LOG.warn("{}: cannot ship its log lines now: {}", task, e.getMessage());
        }
    }
}
