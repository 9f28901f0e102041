package dev.bakery.local.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.core.BuildPlan;
import dev.bakery.functions.errors.Refusal;
import dev.bakery.functions.builds.BuildService;
import dev.bakery.functions.builds.Ownership;
import dev.bakery.functions.builds.Executions;
import dev.bakery.store.BuildRecord;
import dev.bakery.core.status.BuildStatus;
import dev.bakery.store.BuildStore;
import dev.bakery.store.TaskRecord;
import dev.bakery.core.status.TaskResult;
import dev.bakery.core.status.TaskStatus;
import dev.bakery.store.testing.Builds;
import dev.bakery.store.testing.LocalDynamo;
import dev.bakery.local.secrets.LocalSecretVault;
import dev.bakery.local.tasks.DynamoDbUpdateItem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The real build.asl.json, run by aws-local-stepfunctions, with one failure injected at one Task state per
 * run: throttling, access denied, a timeout and a cancel at every Task state, and where they can happen,
 * Spot capacity at launch, a Spot interruption mid-build, an agent crash and a refused index. An injected
 * failure is persistent: every call of that state in that execution fails (a Retry meets it again).
 *
 * <p>Each run starts from a build of three tasks (x86_64 on Fargate Spot, arm64 on Fargate, arm64 on
 * Kubernetes) with an index to publish and a per-build secret, in which otherwise everything works, or, for
 * states only a failure reaches, the x86_64 agent crashes or is interrupted. DynamoDB Task states go to
 * dynalite, the secret lives in the local vault, and a cancel is the API's own {@link BuildService#cancel}.
 *
 * <p>Every path must end with the build in a final status, every task final and the secret deleted. The
 * four states that do that work cannot do it when they themselves keep failing: then the execution fails
 * with an error naming exactly what is left ({@code Bakery.StatusNotRecorded}, {@code Bakery.TasksNotClosed},
 * {@code Bakery.SecretNotDeleted}), and everything else is still done. An execution that times out is
 * finished by the next one (see the last test).
 */
class BuildFailurePathsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXECUTIONS = "arn:aws:states:us-east-1:000000000000:execution:bakery-build:";
    private static final String AMD64 = "arn:aws:ecs:us-east-1:000000000000:task-definition/bakery-agent-x86_64:3";
    private static final String ARM64 = "arn:aws:ecs:us-east-1:000000000000:task-definition/bakery-agent-arm64:3";
    private static final BuildPlan PLAN = BuildStateMachineTest.PLAN;

    /** The states a failure can be injected at, by the build they need to be reached. */
    private enum Baseline { SUCCEEDS, AMD64_CRASHES, AMD64_INTERRUPTED }

    private enum Fault {
        THROTTLED, ACCESS_DENIED, TIMED_OUT, CANCELLED, SPOT_CAPACITY, SPOT_INTERRUPTED, AGENT_CRASH, INDEX_REFUSED,
        /** The agent runs until it is stopped: only the execution's own timeout ends it. */
        NEVER_ENDS
    }

    private record Injection(String state, Fault fault, Baseline baseline) {
        String buildId() {
            return ("b-" + state.replaceAll("[^A-Za-z]+", "-") + "-" + fault).toLowerCase().replace('_', '-');
        }
    }

    private static final List<Fault> EVERYWHERE = List.of(Fault.THROTTLED, Fault.ACCESS_DENIED, Fault.TIMED_OUT, Fault.CANCELLED);

    private static List<Injection> injections() {
        List<Injection> all = new ArrayList<>();
        Map<String, Baseline> states = new java.util.LinkedHashMap<>();
        states.put("Mark build running", Baseline.SUCCEEDS);
        states.put("Run on Fargate", Baseline.SUCCEEDS);
        states.put("Run on Kubernetes", Baseline.SUCCEEDS);
        states.put("Reopen interrupted task", Baseline.AMD64_INTERRUPTED);
        states.put("Record task failure", Baseline.AMD64_CRASHES);
        states.put("Publish multi-arch index", Baseline.SUCCEEDS);
        states.put("Mark build succeeded", Baseline.SUCCEEDS);
        states.put("Mark build failed", Baseline.AMD64_CRASHES);
        states.put("Find the build's tasks", Baseline.AMD64_CRASHES);
        states.put("Close unfinished task", Baseline.AMD64_CRASHES);
        states.put("Announce build status", Baseline.SUCCEEDS);
        states.put("Delete build secret", Baseline.SUCCEEDS);
        states.forEach((state, baseline) -> {
            for (Fault fault : EVERYWHERE) {
                // An activity is not throttled: the bridge polling it is, which shows here as a timeout.
                if (!(state.equals("Run on Kubernetes") && fault == Fault.THROTTLED)) {
                    all.add(new Injection(state, fault, baseline));
                }
            }
        });
        all.add(new Injection("Run on Fargate", Fault.SPOT_CAPACITY, Baseline.SUCCEEDS));
        all.add(new Injection("Run on Fargate", Fault.SPOT_INTERRUPTED, Baseline.SUCCEEDS));
        all.add(new Injection("Run on Fargate", Fault.AGENT_CRASH, Baseline.SUCCEEDS));
        all.add(new Injection("Run on Kubernetes", Fault.AGENT_CRASH, Baseline.SUCCEEDS));
        all.add(new Injection("Publish multi-arch index", Fault.INDEX_REFUSED, Baseline.SUCCEEDS));
        return all;
    }

    private static LocalDynamo dynamo;
    private static BuildStore store;
    private static LocalSecretVault vault;
    private static Path vaultDir;
    private static LocalStateMachine machine;
    /** The same definition with a 5-second execution timeout. */
    private static LocalStateMachine shortLived;
    private static BuildService api;
    private static final Map<String, Run> RUNS = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        dynamo = LocalDynamo.start();
        store = new BuildStore(dynamo.client(), LocalDynamo.TABLE, Clock.systemUTC());
        vaultDir = Files.createTempDirectory("bakery-failure-paths");
        vault = new LocalSecretVault(vaultDir);
        DynamoDbUpdateItem updateItem = new DynamoDbUpdateItem(dynamo.endpoint(), LocalDynamo.KEYS);
        TaskHandler tasks = (state, resource, parameters, context) -> RUNS.get(context.executionName())
                .call(state, resource, parameters, context, updateItem);
        machine = LocalStateMachine.create("bakery-build", TestDefinitions.buildStateMachine(), NodeRuntime.locate(), tasks);
        Map<String, String> fiveSeconds = new java.util.HashMap<>(TestDefinitions.SUBSTITUTIONS);
        fiveSeconds.put("ExecutionTimeoutSeconds", "5");
        shortLived = LocalStateMachine.create("bakery-build", AslTemplate.buildStateMachine().substitute(fiveSeconds),
                NodeRuntime.locate(), tasks);
        api = new BuildService(store, key -> true, vault, new Executions() {
            @Override
            public String start(String name, String inputJson) {
                throw new UnsupportedOperationException("this test starts its executions itself");
            }

            @Override
            public void stop(String executionArn, String cause) {
                RUNS.get(executionArn.substring(EXECUTIONS.length())).execution.join().stop();
            }

            @Override
            public String consoleUrl(String executionArn) {
                return executionArn;
            }
        }, null, new BuildService.Settings(Map.of(), null, Duration.ofDays(1)), new Ownership(List.of()), Clock.systemUTC());
    }

    @AfterAll
    static void stop() throws Exception {
        machine.close();
        shortLived.close();
        dynamo.close();
        try (Stream<Path> files = Files.walk(vaultDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }

    /** Starts every path at once (most of their time is Retry and Wait intervals), then checks each. */
    @TestFactory
    Stream<DynamicTest> everyPathEndsWithTheBuildFinalItsTasksFinalAndItsSecretDeleted() {
        List<Injection> injections = injections();
        List<Run> runs = injections.stream().map(Run::new).toList();
        runs.forEach(Run::start);
        Map<String, Integer> outcomes = new TreeMap<>();
        AtomicInteger checked = new AtomicInteger();
        return runs.stream().map(run -> DynamicTest.dynamicTest(run.injection.state() + ": " + run.injection.fault(), () -> {
            String outcome = run.check();
            synchronized (outcomes) {
                outcomes.merge(outcome, 1, Integer::sum);
            }
            if (checked.incrementAndGet() == runs.size()) {
                System.out.println(runs.size() + " failure paths through build.asl.json: " + outcomes);
            }
        }));
    }

    /**
     * An execution that times out runs no state of its own any more: the EventBridge rule of the stack
     * (Pipeline) then starts the state machine with {@code {"finish": {"buildId", "status"}}}, as done here
     * by hand, and that execution finishes the build.
     */
    @Test
    void aBuildWhoseExecutionTimedOutIsFinishedByTheExecutionTheStatusChangeStarts() throws Exception {
        Run run = new Run(new Injection("Run on Fargate", Fault.NEVER_ENDS, Baseline.SUCCEEDS), shortLived);
        run.start();
        ExecutionResult timedOut = run.execution.join().done().get(1, TimeUnit.MINUTES);
        assertThat(timedOut.status()).isEqualTo(ExecutionStatus.TIMED_OUT);
        assertThat(store.build(run.id).orElseThrow().status()).isEqualTo(BuildStatus.RUNNING);
        assertThat(vault.find(run.secretArn)).isPresent();

        String finisher = "finish-" + run.id;
        RUNS.put(finisher, run);
        ExecutionResult finished = machine.start(finisher, JSON.createObjectNode().set("finish", JSON.createObjectNode()
                .put("buildId", run.id).put("status", "TIMED_OUT")).toString()).done().get(1, TimeUnit.MINUTES);

        assertThat(finished.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        BuildRecord build = store.build(run.id).orElseThrow();
        assertThat(build.status()).isEqualTo(BuildStatus.FAILED);
        assertThat(build.error()).isEqualTo("its execution ended TIMED_OUT before the build did");
        assertThat(store.tasks(run.id)).extracting(TaskRecord::status)
                .containsExactlyInAnyOrder(TaskStatus.FAILED, TaskStatus.SUCCEEDED, TaskStatus.SUCCEEDED);
        assertThat(store.task(run.id, "amd64").orElseThrow().error()).startsWith("Bakery.BuildEnded");
        assertThat(vault.find(run.secretArn)).isEmpty();
        assertThat(run.calls).doesNotContain("Announce build status").contains("Delete build secret");
    }

    /** One build and its execution with one injected failure. */
    private static final class Run {
        private final Injection injection;
        private final String id;
        private final String secretArn;
        private final CompletableFuture<RunningExecution> execution = new CompletableFuture<>();
        private final AtomicInteger injected = new AtomicInteger();
        private final AtomicInteger amd64Attempts = new AtomicInteger();
        private final List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final LocalStateMachine on;
        private volatile boolean cancelAccepted;

        Run(Injection injection) {
            this(injection, machine);
        }

        Run(Injection injection, LocalStateMachine on) {
            this.injection = injection;
            this.on = on;
            this.id = injection.buildId();
            this.secretArn = vault.create(BuildService.buildSecretName(id), "{\"registry.example\":\"hunter2\"}");
            RUNS.put(id, this);
        }

        void start() {
            List<TaskRecord> tasks = List.of(TaskRecord.pending(id, "amd64", "amd64"), TaskRecord.pending(id, "arm64", "arm64"),
                    TaskRecord.pending(id, "arm64-k8s", "arm64"));
            Builds.create(store, BuildRecord.queued(id, PLAN, "contexts/c.tar.gz", "arn:aws:iam::000000000000:user/ci",
                    Map.of(), Instant.now(), secretArn), tasks);
            store.recordExecution(id, EXECUTIONS + id);
            execution.complete(on.start(id, input()));
        }

        /** As BuildService.executionInput writes it. */
        private String input() {
            ObjectNode input = JSON.createObjectNode().put("buildId", id).put("secretArn", secretArn).put("publishIndex", true);
            ArrayNode items = input.putArray("tasks");
            items.addObject().put("buildId", id).put("taskId", "amd64").put("arch", "amd64").put("platform", "ecs")
                    .put("cpu", "1024").put("memory", "3072").put("timeoutSeconds", 600).put("spot", true)
                    .put("taskDefinition", AMD64);
            items.addObject().put("buildId", id).put("taskId", "arm64").put("arch", "arm64").put("platform", "ecs")
                    .put("cpu", "1024").put("memory", "3072").put("timeoutSeconds", 600).put("spot", false)
                    .put("taskDefinition", ARM64);
            items.addObject().put("buildId", id).put("taskId", "arm64-k8s").put("arch", "arm64").put("platform", "k8s")
                    .put("cpu", "1024").put("memory", "3072").put("timeoutSeconds", 600).put("spot", false)
                    .put("activityArn", TestDefinitions.K8S_ACTIVITY);
            return input.toString();
        }

        JsonNode call(String state, String resource, JsonNode parameters, ExecutionContext context, DynamoDbUpdateItem updateItem)
                throws TaskFailure, InterruptedException {
            calls.add(state);
            String taskId = taskId(state, parameters);
            boolean spot = parameters.at("/CapacityProviderStrategy/0/CapacityProvider").asText().equals("FARGATE_SPOT");
            // Failures at a Map's Fargate state hit the x86_64 (Spot) task; elsewhere every call of the state.
            if (state.equals(injection.state()) && (!state.equals("Run on Fargate") || taskId.equals("amd64"))) {
                JsonNode answer = inject(resource, taskId, spot);
                if (answer != null) {
                    return answer;
                }
            }
            return switch (resource) {
                case DynamoDbUpdateItem.RESOURCE, DynamoDbUpdateItem.QUERY -> updateItem.handle(state, resource, parameters, context);
                case "arn:aws:states:::ecs:runTask.sync" -> agent(taskId, spot);
                case "arn:aws:states:::lambda:invoke" -> {
                    store.recordIndexDigest(id, "sha256:1ndex");
                    yield json("{\"StatusCode\": 200, \"Payload\": {\"published\": true, \"indexDigest\": \"sha256:1ndex\"}}");
                }
                case "arn:aws:states:::events:putEvents" -> json("{\"FailedEntryCount\": 0, \"Entries\": [{\"EventId\": \"e-1\"}]}");
                case "arn:aws:states:::aws-sdk:secretsmanager:deleteSecret" -> {
                    if (!vault.remove(parameters.path("SecretId").asText())) {
                        throw new TaskFailure("SecretsManager.ResourceNotFoundException",
                                "Secrets Manager can't find the specified secret.");
                    }
                    yield json("{\"ARN\": \"" + secretArn + "\"}");
                }
                default -> {
                    if (resource.equals(TestDefinitions.K8S_ACTIVITY)) {
                        yield agent(taskId, false);
                    }
                    throw new AssertionError("no such resource in the definition: " + resource);
                }
            };
        }

        /** The injected failure's answer, or null to carry on as usual (a fault that does not apply to this call). */
        private JsonNode inject(String resource, String taskId, boolean spot) throws TaskFailure, InterruptedException {
            String service = switch (resource) {
                case DynamoDbUpdateItem.RESOURCE, DynamoDbUpdateItem.QUERY -> "DynamoDB";
                case "arn:aws:states:::ecs:runTask.sync" -> "ECS";
                case "arn:aws:states:::lambda:invoke" -> "Lambda";
                case "arn:aws:states:::events:putEvents" -> "EventBridge";
                case "arn:aws:states:::aws-sdk:secretsmanager:deleteSecret" -> "SecretsManager";
                default -> "Kubernetes";
            };
            switch (injection.fault()) {
                case THROTTLED -> {
                    injected.incrementAndGet();
                    throw switch (service) {
                        case "DynamoDB" -> new TaskFailure("DynamoDB.ProvisionedThroughputExceededException",
                                "The level of configured provisioned throughput for the table was exceeded.");
                        case "ECS" -> new TaskFailure("ECS.AmazonECSException", "Rate exceeded (Service: AmazonECS; Status Code:"
                                + " 400; Error Code: ThrottlingException)");
                        case "Lambda" -> new TaskFailure("Lambda.TooManyRequestsException", "Rate Exceeded.");
                        default -> new TaskFailure(service + "." + service + "Exception", "Rate exceeded (Error Code:"
                                + " ThrottlingException)");
                    };
                }
                case ACCESS_DENIED -> {
                    injected.incrementAndGet();
                    String message = "User: arn:aws:sts::000000000000:assumed-role/bakery-states/x is not authorized to perform"
                            + " this action (Error Code: AccessDeniedException)";
                    throw switch (service) {
                        case "DynamoDB" -> new TaskFailure("DynamoDB.AmazonDynamoDBException", message);
                        case "ECS" -> new TaskFailure("ECS.AccessDeniedException", message);
                        case "Lambda" -> new TaskFailure("Lambda.AWSLambdaException", message);
                        case "Kubernetes" -> new TaskFailure("Bakery.JobRefused", "jobs.batch is forbidden: User"
                                + " \"system:serviceaccount:bakery:bridge\" cannot create resource \"jobs\"");
                        default -> new TaskFailure(service + "." + service + "Exception", message);
                    };
                }
                case TIMED_OUT -> {
                    injected.incrementAndGet();
                    throw new TaskFailure("States.Timeout", "");
                }
                case CANCELLED -> {
                    if (injected.getAndIncrement() == 0) {
                        return cancel();
                    }
                    return null;
                }
                case SPOT_CAPACITY -> {
                    if (!spot) {
                        return null;
                    }
                    injected.incrementAndGet();
                    throw new TaskFailure("ECS.AmazonECSException", "Capacity is unavailable at this time. Please try again"
                            + " later or in a different availability zone");
                }
                case SPOT_INTERRUPTED -> {
                    if (!spot) {
                        return null;
                    }
                    injected.incrementAndGet();
                    return interrupted(taskId);
                }
                case AGENT_CRASH -> {
                    injected.incrementAndGet();
                    store.startTask(id, taskId, Instant.now(), null);
                    if (service.equals("Kubernetes")) {
                        throw new TaskFailure("Bakery.AgentFailed", "the agent's container exited with 1");
                    }
                    throw new TaskFailure("States.TaskFailed", stoppedTask(taskId, 1, "EssentialContainerExited").toString());
                }
                case INDEX_REFUSED -> {
                    injected.incrementAndGet();
                    throw new TaskFailure("Lambda.Unknown", "registry.example refused the index");
                }
                case NEVER_ENDS -> {
                    injected.incrementAndGet();
                    store.startTask(id, taskId, Instant.now(), null);
                    Thread.sleep(Duration.ofMinutes(5));
                    throw new AssertionError("the execution's timeout never stopped the task");
                }
                default -> throw new AssertionError(injection.fault());
            }
        }

        /** DELETE /builds/{id} while the state runs; a build that already ended refuses it, and the state goes on. */
        private JsonNode cancel() throws InterruptedException {
            CompletableFuture<Boolean> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return api.cancel(id, "arn:aws:iam::000000000000:user/ci") == BuildStatus.CANCELLED;
                } catch (Refusal finished) {
                    return false;
                }
            });
            cancelAccepted = accepted.join();
            if (!cancelAccepted) {
                return null;
            }
            // StopExecution ends the state while its call is in flight: wait to be interrupted.
            Thread.sleep(Duration.ofSeconds(60));
            throw new AssertionError("a stopped execution went on");
        }

        /** The baseline agent: starts, records its result, exits; the x86_64 one crashes or is interrupted if told so. */
        private JsonNode agent(String taskId, boolean spot) throws TaskFailure {
            int attempt = taskId.equals("amd64") ? amd64Attempts.getAndIncrement() : 0;
            if (taskId.equals("amd64") && injection.baseline() == Baseline.AMD64_CRASHES) {
                store.startTask(id, taskId, Instant.now(), null);
                throw new TaskFailure("States.TaskFailed", stoppedTask(taskId, 1, "EssentialContainerExited").toString());
            }
            if (taskId.equals("amd64") && injection.baseline() == Baseline.AMD64_INTERRUPTED && attempt == 0) {
                assertThat(spot).isTrue();
                return interrupted(taskId);
            }
            Instant now = Instant.now();
            store.startTask(id, taskId, now, null);
            store.recordResult(id, taskId, new TaskResult(TaskStatus.SUCCEEDED, "sha256:" + taskId, List.of(), 0, now, now, null,
                    false));
            return stoppedTask(taskId, 0, "EssentialContainerExited");
        }

        /**
         * Fargate reclaims the Spot capacity: the agent gets SIGTERM, records that it was interrupted, and
         * RunTask.sync fails with the stopped task (StopCode SpotInterruption) as its cause. That cause's
         * text is an assumption about AWS (the stopped task's JSON, as DescribeTasks shows it), unverified here.
         */
        private JsonNode interrupted(String taskId) throws TaskFailure {
            Instant now = Instant.now();
            store.startTask(id, taskId, now, null);
            store.recordResult(id, taskId, new TaskResult(TaskStatus.FAILED, null, List.of(), 143, now, now, "interrupted", true));
            throw new TaskFailure("States.TaskFailed", stoppedTask(taskId, 143, "SpotInterruption").toString());
        }

        private String taskId(String state, JsonNode parameters) {
            for (JsonNode variable : parameters.at("/Overrides/ContainerOverrides/0/Environment")) {
                if (variable.path("Name").asText().equals("BAKERY_TASK_ID")) {
                    return variable.path("Value").asText();
                }
            }
            if (parameters.has("taskId")) {
                return parameters.path("taskId").asText();
            }
            String sk = parameters.at("/Key/sk/S").asText();
            return sk.startsWith("TASK#") ? sk.substring(5) : state;
        }

        /** What the user sees: the build and its tasks through the API's store, the secret in the vault. */
        String check() throws Exception {
            ExecutionResult result = execution.join().done().get(5, TimeUnit.MINUTES);
            assertThat(injected.get()).as("the failure was injected: the path reached " + injection.state()).isPositive();
            BuildRecord build = store.build(id).orElseThrow();
            List<TaskRecord> tasks = store.tasks(id);
            boolean secretLeft = vault.find(secretArn).isPresent();
            String path = injection + " -> execution " + result.status() + " " + result.error() + ", build " + build.status()
                    + " (" + build.error() + "), tasks " + tasks.stream().map(t -> t.taskId() + "=" + t.status()).toList()
                    + ", secret " + (secretLeft ? "left" : "deleted");

            assertThat(build.status()).as(path).isEqualTo(expectedStatus());
            if (injection.fault() == Fault.CANCELLED && cancelAccepted) {
                assertThat(result.status()).as(path).isEqualTo(ExecutionStatus.ABORTED);
            } else {
                assertThat(result.error()).as(path).isEqualTo(expectedError());
                assertThat(result.status()).as(path).isEqualTo(expectedError() == null ? ExecutionStatus.SUCCEEDED : ExecutionStatus.FAILED);
            }
            assertThat(tasks).as(path).hasSize(3).allSatisfy(task -> assertThat(task.status().isFinal()).as(path).isTrue());
            assertThat(secretLeft).as(path).isEqualTo("Bakery.SecretNotDeleted".equals(result.error()));
            return result.error() == null ? "clean" : result.error();
        }

        private BuildStatus expectedStatus() {
            String state = injection.state();
            BuildStatus baseline = injection.baseline() == Baseline.AMD64_CRASHES ? BuildStatus.FAILED : BuildStatus.SUCCEEDED;
            if (injection.fault() == Fault.CANCELLED) {
                return cancelAccepted ? BuildStatus.CANCELLED : baseline;
            }
            if (Set.of("Announce build status", "Delete build secret").contains(state)) {
                return baseline;
            }
            if (state.equals("Run on Fargate") && Set.of(Fault.SPOT_CAPACITY, Fault.SPOT_INTERRUPTED).contains(injection.fault())) {
                return BuildStatus.SUCCEEDED;
            }
            // Mark build failed is the last writer of a failed build: when it keeps failing, the build stays RUNNING.
            return state.equals("Mark build failed") ? BuildStatus.RUNNING : BuildStatus.FAILED;
        }

        private String expectedError() {
            if (injection.fault() == Fault.CANCELLED) {
                return null;
            }
            return switch (injection.state()) {
                case "Mark build failed" -> "Bakery.StatusNotRecorded";
                case "Find the build's tasks", "Close unfinished task" -> "Bakery.TasksNotClosed";
                case "Delete build secret" -> "Bakery.SecretNotDeleted";
                default -> null;
            };
        }
    }

    /** RunTask.sync's result or failure cause: the stopped task as DescribeTasks tells it, with capitalized keys. */
    private static JsonNode stoppedTask(String taskId, int exitCode, String stopCode) {
        return json("""
                {"TaskArn": "arn:aws:ecs:us-east-1:000000000000:task/bakery/%s", "LastStatus": "STOPPED",
                 "StopCode": "%s", "StoppedReason": "%s",
                 "Containers": [{"Name": "agent", "LastStatus": "STOPPED", "ExitCode": %d}]}""".formatted(taskId, stopCode,
                stopCode.equals("SpotInterruption") ? "Your Spot Task was interrupted." : "Essential container in task exited",
                exitCode));
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
