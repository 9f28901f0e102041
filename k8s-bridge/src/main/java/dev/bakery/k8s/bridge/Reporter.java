package dev.bakery.k8s.bridge;

import dev.bakery.store.BuildStore;
import dev.bakery.store.ResultConflictException;
import dev.bakery.k8s.activity.Activities;
import dev.bakery.k8s.kube.Cluster;
import dev.bakery.k8s.task.TaskFailure;
import dev.bakery.k8s.task.TrackedTask;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports how a task ended: the agent's result into the task item, then SendTaskSuccess or
 * SendTaskFailure, then the Job is labelled reported. Each step is retried until it gets through
 * or the bridge stops; a restarted bridge then reports again, which is harmless: the task item takes
 * the same result once, and Step Functions ignores a second answer for a closed task.
 */
final class Reporter {

    private static final Logger LOG = LoggerFactory.getLogger(Reporter.class);

    private final Activities activities;
    private final BuildStore store;
    private final Cluster cluster;
    private final Duration retryEvery;
    private final BooleanSupplier stopping;

    Reporter(Activities activities, BuildStore store, Cluster cluster, Duration retryEvery, BooleanSupplier stopping) {
        this.activities = activities;
        this.store = store;
        this.cluster = cluster;
        this.retryEvery = retryEvery;
        this.stopping = stopping;
    }

    void finish(TrackedTask task, Outcome outcome) {
        boolean reported = retrying(task + ": reporting its result", () -> {
            if (outcome.result() != null) {
                record(task, outcome);
            }
            boolean delivered = switch (outcome) {
                case Outcome.Succeeded s -> activities.succeed(task.token(), s.output());
                case Outcome.Failed f -> activities.fail(task.token(), f.failure().error(), f.failure().cause());
            };
            if (delivered) {
                LOG.info("{} {}", task, outcome instanceof Outcome.Failed f ? "failed: " + f.failure() : "succeeded");
            } else {
                LOG.info("{} was already over for Step Functions (cancelled or timed out) when it ended", task);
            }
        });
        if (reported) {
            retrying(task + ": labelling its Job reported", () -> cluster.markReported(task.jobName()));
        }
    }

    /** A task that never got a Job. */
    void fail(String token, TaskFailure failure) {
        retrying("reporting a task that could not start", () -> {
            activities.fail(token, failure.error(), failure.cause());
            LOG.warn("a task could not start: {}", failure);
        });
    }

    private void record(TrackedTask task, Outcome outcome) {
        try {
            store.recordResult(task.buildId(), task.taskId(), outcome.result());
        } catch (ResultConflictException e) {
            // Cancelled meanwhile, or never marked running: the item keeps what it says.
            LOG.info("{}: the task item keeps its state: {}", task, e.getMessage());
        }
    }

    /** @return whether it got through before the bridge stopped */
    private boolean retrying(String what, Runnable step) {
        while (!stopping.getAsBoolean()) {
            try {
                step.run();
                return true;
            } catch (RuntimeException e) {
                LOG.warn("{} failed, trying again in {}: {}", what, retryEvery, e.getMessage());
                if (!Pause.of(retryEvery)) {
                    return false;
                }
            }
        }
        return false;
    }
}
