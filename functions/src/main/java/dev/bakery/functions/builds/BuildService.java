package dev.bakery.functions.builds;

import dev.bakery.core.BuildId;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.core.Arch;
import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildTask;
import dev.bakery.core.Platform;
import dev.bakery.core.RegistryCredential;
import dev.bakery.functions.errors.Refusal;
import dev.bakery.store.BuildPage;
import dev.bakery.store.BuildRecord;
import dev.bakery.core.status.BuildStatus;
import dev.bakery.store.BuildStore;
import dev.bakery.store.IdempotencyKeyTakenException;
import dev.bakery.store.IdempotencyRecord;
import dev.bakery.store.TaskRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What the REST API does with builds: submit (validated, idempotent, secrets split off, one
 * transaction, then the execution), read, list, cancel and replay logs. No HTTP in here.
 */
public final class BuildService {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Deployment facts a submission needs.
     *
     * @param taskDefinitions the ECS task definition ARN per arch (exactly two exist)
     * @param k8sActivityArn  the bridge's activity, or null when no cluster is connected
     * @param retention       how long build items live (DynamoDB TTL)
     */
    public record Settings(Map<Arch, String> taskDefinitions, String k8sActivityArn, Duration retention) {
        public Settings {
            taskDefinitions = Map.copyOf(taskDefinitions);
        }
    }

    /**
     * A validated submission.
     *
     * @param inlinePasswords key (as referenced by the plan) to password, stored in the build's secret
     * @param requestHash     a digest of the whole request, to recognise a retry under the same idempotency key
     */
    public record Submission(String contextKey, BuildPlan plan, Map<String, String> labels, String idempotencyKey,
            Map<String, String> inlinePasswords, String requestHash) {
        public Submission {
            labels = Map.copyOf(labels);
            inlinePasswords = Map.copyOf(inlinePasswords);
        }

        @Override
        public String toString() {
            return "Submission[contextKey=" + contextKey + ", service=" + plan.service() + ", labels=" + labels
                    + ", idempotencyKey=" + idempotencyKey + ", inlinePasswords=" + inlinePasswords.keySet() + "]";
        }
    }

    /** @param created false when an earlier submission with the same idempotency key is answered */
    public record Submitted(String buildId, BuildStatus status, String consoleUrl, boolean created) {
    }

    private final BuildStore store;
    private final Predicate<String> contextExists;
    private final SecretVault vault;
    private final Executions executions;
    private final LogSource logs;
    private final Settings settings;
    private final Ownership ownership;
    private final Clock clock;

    public BuildService(BuildStore store, Predicate<String> contextExists, SecretVault vault, Executions executions,
            LogSource logs, Settings settings, Ownership ownership, Clock clock) {
        this.store = store;
        this.contextExists = contextExists;
        this.vault = vault;
        this.executions = executions;
        this.logs = logs;
        this.settings = settings;
        this.ownership = ownership;
        this.clock = clock;
    }

    public Submitted submit(Submission submission, String principal) {
        if (submission.idempotencyKey() != null) {
            Optional<Submitted> earlier = earlier(submission, principal);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        checkPasswords(submission);
        checkPlatforms(submission.plan());
        if (!contextExists.test(submission.contextKey())) {
            throw new Refusal(Refusal.Kind.UNPROCESSABLE, "context_missing", "the context " + submission.contextKey()
                    + " has not been uploaded: POST /contexts, upload it, then submit", "context");
        }
        Instant now = clock.instant();
        String buildId = BuildId.next(now, submission.plan().service());
        String secretArn = submission.inlinePasswords().isEmpty() ? null
                : vault.create(buildSecretName(buildId), json(submission.inlinePasswords()));
        BuildRecord build = BuildRecord.queued(buildId, submission.plan(), submission.contextKey(), principal,
                submission.labels(), now, secretArn);
        List<TaskRecord> tasks = submission.plan().tasks().stream()
                .map(t -> TaskRecord.pending(buildId, t.id(), t.arch().key())).toList();
        IdempotencyRecord idempotency = submission.idempotencyKey() == null ? null
                : new IdempotencyRecord(principal, submission.idempotencyKey(), submission.requestHash(), buildId);
        try {
            store.create(build, tasks, idempotency, now.plus(settings.retention()));
        } catch (IdempotencyKeyTakenException raced) {
            forget(secretArn);
            // Another request with the same key won the race: answer as it was answered.
            return earlier(submission, principal).orElseThrow(() -> raced);
        }
        String executionArn;
        try {
            executionArn = executions.start(buildId, executionInput(buildId, submission.plan(), secretArn));
        } catch (RuntimeException e) {
            store.transition(buildId, Set.of(BuildStatus.QUEUED), BuildStatus.FAILED, "could not start: " + e.getMessage());
            forget(secretArn);
            throw new Refusal(Refusal.Kind.UPSTREAM_FAILED, "start_failed", "the build " + buildId + " could not be started: " + e.getMessage(), null);
        }
        store.recordExecution(buildId, executionArn);
        return new Submitted(buildId, BuildStatus.QUEUED, executions.consoleUrl(executionArn), true);
    }

    /** The build, if the principal may see it: another owner's build is "not found", as a missing one. */
    public BuildRecord get(String buildId, String principal) {
        return store.build(buildId).filter(build -> ownership.mayAccess(principal, build))
                .orElseThrow(() -> new Refusal(Refusal.Kind.NOT_FOUND, "not_found", "no build " + buildId, null));
    }

    public List<TaskRecord> tasks(String buildId) {
        return store.tasks(buildId);
    }

    /** The principal's own builds; every build for an operator. */
    public BuildPage list(int limit, BuildStatus status, String next, String principal) {
        return store.list(limit, status, ownership.listedOwner(principal), next);
    }

    /** Cancels a running build; cancelling a cancelled build again is fine, a finished one is a conflict. */
    public BuildStatus cancel(String buildId, String principal) {
        BuildRecord build = get(buildId, principal);
        if (build.status() == BuildStatus.CANCELLED) {
            return BuildStatus.CANCELLED;
        }
        if (build.status().isFinal()) {
            throw finished(build);
        }
        if (build.executionArn() != null) {
            executions.stop(build.executionArn(), "cancelled by " + principal);
        }
        if (!store.transition(buildId, Set.of(BuildStatus.QUEUED, BuildStatus.RUNNING), BuildStatus.CANCELLED,
                "cancelled by " + principal)) {
            BuildRecord now = get(buildId, principal);
            if (now.status() != BuildStatus.CANCELLED) {
                throw finished(now);
            }
        }
        store.cancelTasks(buildId);
        // A stopped execution never reaches its own clean-up step.
        forget(build.secretArn());
        return BuildStatus.CANCELLED;
    }

    public LogSource.Page logs(String buildId, String principal, long since, String next, int limit) {
        get(buildId, principal);
        return logs.read(buildId, since, next, limit);
    }

    public String consoleUrl(BuildRecord build) {
        return build.executionArn() == null ? null : executions.consoleUrl(build.executionArn());
    }

    public static String buildSecretName(String buildId) {
        return "bakery/builds/" + buildId;
    }

    private Optional<Submitted> earlier(Submission submission, String principal) {
        return store.idempotency(principal, submission.idempotencyKey()).map(previous -> {
            if (!previous.requestHash().equals(submission.requestHash())) {
                throw new Refusal(Refusal.Kind.CONFLICT, "idempotency_conflict", "idempotency key " + submission.idempotencyKey()
                        + " was already used for a different request (build " + previous.buildId() + ")", "idempotencyKey");
            }
            BuildRecord build = get(previous.buildId(), principal);
            return new Submitted(build.id(), build.status(), consoleUrl(build), false);
        });
    }

    /** The plan's references to the build's own secret and the passwords sent must match one to one. */
    private static void checkPasswords(Submission submission) {
        Set<String> referenced = new TreeSet<>();
        List<BuildTask> tasks = submission.plan().tasks();
        for (BuildTask task : tasks) {
            List<RegistryCredential> all = new ArrayList<>(task.credentials());
            all.addAll(task.imagePullCredentials());
            all.stream().filter(c -> c.password().isBuildSecret()).forEach(c -> referenced.add(c.password().key()));
        }
        for (String key : referenced) {
            if (!submission.inlinePasswords().containsKey(key)) {
                throw new Refusal(Refusal.Kind.UNPROCESSABLE, "missing_password", "the plan refers to the inline password " + key
                        + " but none was sent", "inlinePasswords");
            }
        }
        for (String key : new TreeSet<>(submission.inlinePasswords().keySet())) {
            if (!referenced.contains(key)) {
                throw new Refusal(Refusal.Kind.INVALID, "unused_password", "inline password " + key + " is not referenced by the plan",
                        "inlinePasswords." + key);
            }
        }
    }

    private void checkPlatforms(BuildPlan plan) {
        for (int i = 0; i < plan.tasks().size(); i++) {
            BuildTask task = plan.tasks().get(i);
            if (task.platform() == Platform.K8S && settings.k8sActivityArn() == null) {
                throw new Refusal(Refusal.Kind.UNPROCESSABLE, "platform_unavailable", "task " + task.id()
                        + " asks for platform k8s, but no Kubernetes bridge is connected to this deployment",
                        "plan.tasks[" + i + "].platform");
            }
            if (task.platform() == Platform.ECS && !settings.taskDefinitions().containsKey(task.arch())) {
                throw new Refusal(Refusal.Kind.UNPROCESSABLE, "platform_unavailable", "this deployment has no ECS task definition for "
                        + task.arch().key(), "plan.tasks[" + i + "].arch");
            }
        }
    }

    /** The state machine's input: ids and sizes, never a password (those stay in the build's secret). */
    String executionInput(String buildId, BuildPlan plan, String secretArn) {
        ObjectNode input = JSON.createObjectNode();
        input.put("buildId", buildId);
        input.put("secretArn", secretArn);
        input.put("publishIndex", plan.index() != null);
        ArrayNode tasks = input.putArray("tasks");
        for (BuildTask task : plan.tasks()) {
            ObjectNode t = tasks.addObject();
            t.put("buildId", buildId);
            t.put("taskId", task.id());
            t.put("arch", task.arch().key());
            t.put("platform", task.platform().key());
            t.put("cpu", Integer.toString(task.resources().ecsCpuUnits()));
            t.put("memory", Integer.toString(task.resources().memoryMiB()));
            t.put("timeoutSeconds", task.timeoutSeconds());
            t.put("spot", task.spot());
            if (task.platform() == Platform.ECS) {
                t.put("taskDefinition", settings.taskDefinitions().get(task.arch()));
            } else {
                t.put("activityArn", settings.k8sActivityArn());
            }
        }
        return input.toString();
    }

    private void forget(String secretArn) {
        if (secretArn != null) {
            vault.delete(secretArn);
        }
    }

    private static Refusal finished(BuildRecord build) {
        return new Refusal(Refusal.Kind.CONFLICT, "already_finished", "build " + build.id() + " already finished: " + build.status(), null);
    }

    private static String json(Map<String, String> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a string map always serializes", e);
        }
    }
}
