package dev.bakery.k8s.bridge;

import dev.bakery.store.BuildStore;
import dev.bakery.k8s.activity.Activities;
import dev.bakery.k8s.activity.ActivityTask;
import dev.bakery.k8s.config.BridgeConfig;
import dev.bakery.k8s.kube.Cluster;
import dev.bakery.k8s.kube.JobTemplate;
import dev.bakery.k8s.logs.BuildLogs;
import dev.bakery.k8s.task.TaskFailedException;
import dev.bakery.k8s.task.TaskFailure;
import dev.bakery.k8s.task.TrackedTask;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The worker: adopts the Jobs it left running (after a restart), then takes activity tasks while it
 * has free slots, each into a Job watched by its own {@link Supervisor} on a virtual thread.
 */
public final class Bridge implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Bridge.class);
    /** A poller that has not come round for this long is stuck (a long poll takes at most ~70 s). */
    private static final Duration STUCK = Duration.ofMinutes(3);

    private final BridgeConfig config;
    private final Activities activities;
    private final Launcher launcher;
    private final Cluster cluster;
    private final Clock clock;
    private final Slots slots;
    private final Reporter reporter;
    private final Supervisor.Services services;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean stopping;
    private volatile Instant lastRound;
    private Thread poller;

    public Bridge(BridgeConfig config, Activities activities, Launcher launcher, Cluster cluster, BuildStore store, BuildLogs logs,
            Clock clock) {
        this.config = config;
        this.activities = activities;
        this.launcher = launcher;
        this.cluster = cluster;
        this.clock = clock;
        this.slots = new Slots(config.slots());
        this.reporter = new Reporter(activities, store, cluster, config.timing().poll(), () -> stopping);
        this.services = new Supervisor.Services(activities, cluster, store, logs, reporter, clock, config.timing());
        this.lastRound = clock.instant();
    }

    /** Adopts this bridge's unreported Jobs, then starts taking tasks. */
    public synchronized void start() {
        if (poller != null) {
            throw new IllegalStateException("already started");
        }
        for (Job job : cluster.unreported(config.bridgeName())) {
            adopt(job);
        }
        poller = Thread.ofPlatform().name("bakery-activity-poller").start(this::poll);
        LOG.info("taking tasks of {} into namespace {} ({} at once)", config.activityArn(), cluster.namespace(), config.slots());
    }

    /** For the liveness probe: the poller is alive and comes round. */
    public boolean healthy() {
        Thread p = poller;
        return p != null && p.isAlive() && Duration.between(lastRound, clock.instant()).compareTo(STUCK) < 0;
    }

    /** Tasks running now, adopted ones included. */
    public int running() {
        return slots.used();
    }

    private void adopt(Job job) {
        Optional<TrackedTask> found = tracked(job);
        if (found.isEmpty()) {
            LOG.warn("Job {} has this bridge's labels but not its annotations; leaving it alone", job.getMetadata().getName());
            return;
        }
        TrackedTask task = found.get();
        LOG.info("{}: resuming after a restart", task);
        slots.take();
        workers.submit(() -> {
            try {
                launcher.resume(job, task);
                new Supervisor(task, services, true, () -> stopping).run();
            } catch (TaskFailedException e) {
                reporter.finish(task, new Outcome.Failed(null, e.failure()));
                deleteQuietly(task.jobName());
            } catch (RuntimeException e) {
                LOG.error("{}: cannot resume; the next start of the bridge tries again", task, e);
            } finally {
                slots.release();
            }
        });
    }

    private static Optional<TrackedTask> tracked(Job job) {
        Map<String, String> a = Optional.ofNullable(job.getMetadata().getAnnotations()).orElse(Map.of());
        String token = a.get(JobTemplate.TASK_TOKEN);
        String buildId = a.get(JobTemplate.BUILD_ID);
        String taskId = a.get(JobTemplate.TASK_ID);
        String container = a.get(JobTemplate.CONTAINER);
        if (token == null || buildId == null || taskId == null || container == null) {
            return Optional.empty();
        }
        return Optional.of(new TrackedTask(token, buildId, taskId, job.getMetadata().getName(), container));
    }

    private void poll() {
        while (!stopping) {
            lastRound = clock.instant();
            try {
                if (!slots.awaitFree(Duration.ofSeconds(1))) {
                    continue;
                }
                Optional<ActivityTask> task = activities.poll(config.activityArn(), config.workerName());
                lastRound = clock.instant();
                // Taken even while stopping: a task handed out must get its Job, or it waits for its timeout.
                task.ifPresent(this::run);
            } catch (SdkException e) {
                LOG.warn("GetActivityTask failed, trying again: {}", e.getMessage());
                Pause.of(config.timing().poll());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void run(ActivityTask activity) {
        slots.take();
        workers.submit(() -> {
            try {
                TrackedTask task = launcher.launch(activity);
                LOG.info("{}: started", task);
                new Supervisor(task, services, false, () -> stopping).run();
            } catch (TaskFailedException e) {
                reporter.fail(activity.token(), e.failure());
            } catch (RuntimeException e) {
                LOG.error("a task could not be started", e);
                reporter.fail(activity.token(), new TaskFailure(TaskFailure.JOB_NOT_CREATED,
                        "the k8s bridge could not start the task: " + e.getMessage()));
            } finally {
                slots.release();
            }
        });
    }

    private void deleteQuietly(String jobName) {
        try {
            cluster.delete(jobName);
        } catch (KubernetesClientException e) {
            LOG.warn("could not delete Job {}: {}", jobName, e.getMessage());
        }
    }

    /**
     * Stops taking tasks (a long poll in flight is waited for, and a task it brings gets its Job) and
     * stops watching; Jobs keep running, for the next bridge to adopt.
     */
    @Override
    public void close() {
        stopping = true;
        Thread p;
        synchronized (this) {
            p = poller;
        }
        try {
            if (p != null) {
                p.join();
            }
            workers.shutdown();
            if (!workers.awaitTermination(2, TimeUnit.MINUTES)) {
                LOG.warn("some tasks were still being watched at shutdown; the next bridge adopts their Jobs");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
