package dev.bakery.local.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import dev.bakery.store.BuildRecord;
import dev.bakery.core.status.BuildStatus;
import dev.bakery.store.BuildStore;
import dev.bakery.store.TaskRecord;
import dev.bakery.core.status.TaskResult;
import dev.bakery.core.status.TaskStatus;
import dev.bakery.store.testing.Builds;
import dev.bakery.store.testing.LocalDynamo;
import dev.bakery.local.tasks.DynamoDbUpdateItem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The build state machine file, executed by aws-local-stepfunctions: DynamoDB tasks go to dynalite,
 * the other Task states to agents played by each test, every call recorded with its parameters.
 */
class BuildStateMachineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUN_TASK = "arn:aws:states:::ecs:runTask.sync";
    private static final String AMD64_DEFINITION = "arn:aws:ecs:us-east-1:000000000000:task-definition/bakery-agent-x86_64:3";
    private static final String ARM64_DEFINITION = "arn:aws:ecs:us-east-1:000000000000:task-definition/bakery-agent-arm64:3";
    private static final String CAPACITY = "Capacity is unavailable at this time. Please try again later or in a different"
            + " availability zone";
    private static final String THROTTLED = "Rate exceeded (Service: AmazonECS; Status Code: 400; Error Code:"
            + " ThrottlingException; Request ID: 7f1c)";

    private static LocalDynamo dynamo;
    private static DynamoDbClient client;
    private static BuildStore store;
    private static LocalStateMachine machine;
    private static final Map<String, Scenario> SCENARIOS = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        dynamo = LocalDynamo.start();
        client = dynamo.newClient();
        store = new BuildStore(client, LocalDynamo.TABLE, Clock.systemUTC());
        TaskRouter router = TaskRouter.builder()
                .on(DynamoDbUpdateItem.RESOURCE, new DynamoDbUpdateItem(dynamo.endpoint(), LocalDynamo.KEYS))
                .on(DynamoDbUpdateItem.QUERY, new DynamoDbUpdateItem(dynamo.endpoint(), LocalDynamo.KEYS))
                .on(RUN_TASK, (state, resource, parameters, context) -> scenario(context).runTask(parameters, context))
                .on(TestDefinitions.K8S_ACTIVITY, (state, resource, parameters, context) ->
                        scenario(context).agent(parameters.path("taskId").asText()).run(parameters, context))
                .on("arn:aws:states:::lambda:invoke", (state, resource, parameters, context) -> scenario(context).publish())
                .on("arn:aws:states:::events:putEvents", (state, resource, parameters, context) ->
                        json("{\"FailedEntryCount\": 0, \"Entries\": [{\"EventId\": \"e-1\"}]}"))
                .on("arn:aws:states:::aws-sdk:secretsmanager:deleteSecret", (state, resource, parameters, context) ->
                        json("{\"ARN\": \"" + parameters.path("SecretId").asText() + "\"}"))
                .build();
        TaskHandler recording = (state, resource, parameters, context) -> {
            scenario(context).calls.add(new Call(state, parameters, System.nanoTime(), context.timeout().orElse(null),
                    context.heartbeatTimeout().orElse(null)));
            return router.handle(state, resource, parameters, context);
        };
        machine = LocalStateMachine.create("bakery-build", TestDefinitions.buildStateMachine(), NodeRuntime.locate(),
                recording);
    }

    @AfterAll
    static void stop() {
        machine.close();
        client.close();
        dynamo.close();
    }

    @Test
    void twoArchitecturesSucceedThenTheIndexIsPublishedAndTheBuildSucceeds() throws Exception {
        Scenario build = new Scenario("b-two-arches");
        build.agent("amd64", build.succeeds());
        build.agent("arm64", build.succeeds());
        build.publishes("sha256:1ndex");

        ExecutionResult result = build.run(true, "arn:aws:secretsmanager:us-east-1:000000000000:secret:bakery/builds/b-two-arches",
                ecs("amd64", false, 600), ecs("arm64", false, 600));

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output()).isEqualTo(json("""
                {"buildId": "b-two-arches", "status": "SUCCEEDED",
                 "tasks": [{"taskId": "amd64", "arch": "amd64", "platform": "ecs", "status": "SUCCEEDED"},
                           {"taskId": "arm64", "arch": "arm64", "platform": "ecs", "status": "SUCCEEDED"}],
                 "index": {"published": true, "indexDigest": "sha256:1ndex", "destinations": ["registry.example/app:1"]}}"""));
        assertThat(build.states()).containsExactly("Mark build running", "Run on Fargate", "Run on Fargate",
                "Publish multi-arch index", "Mark build succeeded", "Announce build status", "Delete build secret");
        assertThat(build.runTask("amd64").getFirst()).isEqualTo(json("""
                {"Cluster": "arn:aws:ecs:us-east-1:000000000000:cluster/bakery",
                 "TaskDefinition": "%s",
                 "CapacityProviderStrategy": [{"CapacityProvider": "FARGATE", "Weight": 1}],
                 "PlatformVersion": "1.4.0",
                 "NetworkConfiguration": {"AwsvpcConfiguration": {"Subnets": ["subnet-0a", "subnet-0b"],
                                          "SecurityGroups": ["sg-0a"], "AssignPublicIp": "ENABLED"}},
                 "Overrides": {"Cpu": "1024", "Memory": "3072",
                               "ContainerOverrides": [{"Name": "agent", "Environment": [
                                   {"Name": "BAKERY_BUILD_ID", "Value": "b-two-arches"},
                                   {"Name": "BAKERY_TASK_ID", "Value": "amd64"}]}]}}""".formatted(AMD64_DEFINITION)));
        assertThat(build.runTask("arm64").getFirst().path("TaskDefinition").asText()).isEqualTo(ARM64_DEFINITION);
        assertThat(build.parameters("Publish multi-arch index")).isEqualTo(json("""
                {"FunctionName": "%s", "Payload": {"buildId": "b-two-arches"}}""".formatted(TestDefinitions.PUBLISH_INDEX_FUNCTION)));
        assertThat(build.parameters("Announce build status")).isEqualTo(json("""
                {"Entries": [{"EventBusName": "default", "Source": "dev.bakery", "DetailType": "Bakery Build Status Change",
                  "Detail": {"buildId": "b-two-arches", "status": "SUCCEEDED", "tasks": %s, "index": %s}}]}"""
                .formatted(result.output().get("tasks"), result.output().get("index"))));
        assertThat(build.parameters("Delete build secret")).isEqualTo(json("""
                {"SecretId": "arn:aws:secretsmanager:us-east-1:000000000000:secret:bakery/builds/b-two-arches",
                 "ForceDeleteWithoutRecovery": true}"""));
        BuildRecord stored = store.build("b-two-arches").orElseThrow();
        assertThat(stored.status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(stored.indexDigest()).isEqualTo("sha256:1ndex");
        assertThat(store.tasks("b-two-arches")).extracting(TaskRecord::status).containsOnly(TaskStatus.SUCCEEDED);
    }

    @Test
    void oneArchitectureFailsTheOtherStillFinishesNothingIsPublishedAndTheBuildFails() throws Exception {
        Scenario build = new Scenario("b-one-fails");
        build.agent("amd64", build.crashes(137));
        // arm64 finishes only after amd64's failure was recorded: a failure must not stop the other arches.
        build.agent("arm64", (parameters, context) -> {
            awaitTaskStatus("b-one-fails", "amd64", TaskStatus.FAILED);
            return build.succeeds().run(parameters, context);
        });

        ExecutionResult result = build.run(true, null, ecs("amd64", false, 600), ecs("arm64", false, 600));

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output().path("status").asText()).isEqualTo("FAILED");
        JsonNode amd64 = result.output().path("tasks").get(0);
        assertThat(amd64.path("status").asText()).isEqualTo("FAILED");
        assertThat(amd64.path("error").asText()).isEqualTo("Bakery.AgentFailed");
        assertThat(amd64.path("cause").asText()).startsWith("the agent did not exit with 0: ").contains("\"ExitCode\":137");
        assertThat(result.output().path("tasks").get(1).path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.output().path("index")).isEqualTo(json("{\"published\": false}"));
        assertThat(build.states()).doesNotContain("Publish multi-arch index", "Delete build secret")
                .contains("Record task failure", "Mark build failed", "Announce build status");
        assertThat(build.parameters("Record task failure").path("Key")).isEqualTo(json("""
                {"pk": {"S": "BUILD#b-one-fails"}, "sk": {"S": "TASK#amd64"}}"""));
        TaskRecord failed = store.task("b-one-fails", "amd64").orElseThrow();
        assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(failed.error()).startsWith("Bakery.AgentFailed: the agent did not exit with 0: ");
        assertThat(store.task("b-one-fails", "arm64").orElseThrow().status()).isEqualTo(TaskStatus.SUCCEEDED);
        BuildRecord stored = store.build("b-one-fails").orElseThrow();
        assertThat(stored.status()).isEqualTo(BuildStatus.FAILED);
        assertThat(stored.error()).isEqualTo("an architecture failed to build: its task says why");
        assertThat(build.parameters("Announce build status").at("/Entries/0/Detail/status").asText()).isEqualTo("FAILED");
    }

    @Test
    void aFailedIndexPublicationFailsTheBuild() throws Exception {
        Scenario build = new Scenario("b-no-index");
        build.agent("amd64", build.succeeds());
        build.agent("arm64", build.succeeds());

        ExecutionResult result = build.run(true, null, ecs("amd64", false, 600), ecs("arm64", false, 600));

        assertThat(result.output().path("status").asText()).isEqualTo("FAILED");
        assertThat(result.output().path("index")).isEqualTo(json("{\"published\": false}"));
        BuildRecord stored = store.build("b-no-index").orElseThrow();
        assertThat(stored.status()).isEqualTo(BuildStatus.FAILED);
        assertThat(stored.error()).isEqualTo("publishing the multi-arch index failed:"
                + " {\"Error\":\"Lambda.Unknown\",\"Cause\":\"registry.example refused the index\"}");
        assertThat(store.tasks("b-no-index")).extracting(TaskRecord::status).containsOnly(TaskStatus.SUCCEEDED);
    }

    @Test
    void aFailureTheAgentRecordedItselfIsKept() throws Exception {
        Scenario build = new Scenario("b-agent-says");
        build.agent("amd64", (parameters, context) -> {
            Instant now = Instant.now();
            store.startTask("b-agent-says", "amd64", now, null);
            store.recordResult("b-agent-says", "amd64", new TaskResult(TaskStatus.FAILED, null, List.of(), 1, now, now,
                    "kaniko: push to registry.example denied", false));
            return stoppedTask("amd64", 1);
        });

        ExecutionResult result = build.run(false, null, ecs("amd64", false, 600));

        assertThat(result.output().path("status").asText()).isEqualTo("FAILED");
        assertThat(build.states()).contains("Record task failure");
        // Its conditional update (PENDING or RUNNING only) failed, and was caught.
        assertThat(store.task("b-agent-says", "amd64").orElseThrow().error()).isEqualTo("kaniko: push to registry.example denied");
        assertThat(store.build("b-agent-says").orElseThrow().status()).isEqualTo(BuildStatus.FAILED);
    }

    /**
     * What AWS reports when FARGATE_SPOT has no capacity: RunTask answers with a failure "Capacity is
     * unavailable at this time. Please try again later or in a different availability zone", which Step
     * Functions raises as {@code ECS.AmazonECSException} (AWS knowledge center, "ecs-fargate-runtask-capacity").
     * Throttling ("Rate exceeded ... ThrottlingException") is raised under that same name, so the state
     * machine tells them apart by the cause: Spot without capacity moves to FARGATE at once.
     */
    @Test
    void spotWithoutCapacityIsRetriedOnOnDemandFargate() throws Exception {
        Scenario build = new Scenario("b-spot-gone");
        build.agent("amd64", build.attempts(refuses(CAPACITY), build.succeeds()));

        ExecutionResult result = build.run(false, null, ecs("amd64", true, 600));

        assertThat(result.output().path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(build.runTask("amd64")).extracting(call -> call.at("/CapacityProviderStrategy/0/CapacityProvider").asText())
                .containsExactly("FARGATE_SPOT", "FARGATE");
        assertThat(store.build("b-spot-gone").orElseThrow().status()).isEqualTo(BuildStatus.SUCCEEDED);
    }

    /**
     * Fargate reclaiming Spot capacity mid-build stops the task with StopCode SpotInterruption; the agent
     * has recorded the task FAILED (interrupted) on its SIGTERM. The task is reopened and runs again, on
     * on-demand Fargate. The failure's cause text (the stopped task's JSON) is assumed, not read from AWS.
     */
    @Test
    void aSpotInterruptionMidBuildRunsTheTaskAgainOnOnDemandFargate() throws Exception {
        Scenario build = new Scenario("b-spot-reclaimed");
        build.agent("amd64", build.attempts(build.interrupted(), build.succeeds()));

        ExecutionResult result = build.run(false, null, ecs("amd64", true, 600));

        assertThat(result.output().path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(build.runTask("amd64")).extracting(call -> call.at("/CapacityProviderStrategy/0/CapacityProvider").asText())
                .containsExactly("FARGATE_SPOT", "FARGATE");
        assertThat(build.states()).containsExactly("Mark build running", "Run on Fargate", "Reopen interrupted task",
                "Run on Fargate", "Mark build succeeded", "Announce build status");
        assertThat(store.task("b-spot-reclaimed", "amd64").orElseThrow().status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(store.build("b-spot-reclaimed").orElseThrow().status()).isEqualTo(BuildStatus.SUCCEEDED);
    }

    @Test
    void throttlingIsRetriedWithBackoffOnTheSameCapacity() throws Exception {
        Scenario build = new Scenario("b-throttled");
        build.agent("amd64", build.attempts(refuses(THROTTLED), build.succeeds()));

        ExecutionResult result = build.run(false, null, ecs("amd64", true, 600));

        assertThat(result.output().path("status").asText()).isEqualTo("SUCCEEDED");
        List<Call> calls = build.calls("Run on Fargate");
        assertThat(calls).extracting(call -> call.parameters().at("/CapacityProviderStrategy/0/CapacityProvider").asText())
                .containsExactly("FARGATE_SPOT", "FARGATE_SPOT");
        assertThat(Duration.ofNanos(calls.get(1).nanoTime() - calls.get(0).nanoTime())).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aSingleArchitectureBuildPublishesNoIndex() throws Exception {
        Scenario build = new Scenario("b-single");
        build.agent("arm64", build.succeeds());

        ExecutionResult result = build.run(false, null, ecs("arm64", false, 600));

        assertThat(result.output()).isEqualTo(json("""
                {"buildId": "b-single", "status": "SUCCEEDED",
                 "tasks": [{"taskId": "arm64", "arch": "arm64", "platform": "ecs", "status": "SUCCEEDED"}],
                 "index": {"published": false}}"""));
        assertThat(build.states()).containsExactly("Mark build running", "Run on Fargate", "Mark build succeeded",
                "Announce build status");
    }

    @Test
    void aKubernetesTaskTakesTheActivityPath() throws Exception {
        Scenario build = new Scenario("b-k8s");
        build.agent("amd64", build.succeeds());
        build.agent("arm64", (parameters, context) -> {
            context.heartbeat();
            return build.succeeds().run(parameters, context);
        });
        build.publishes("sha256:k8s");

        ExecutionResult result = build.run(true, null, ecs("amd64", false, 600), task("arm64", "k8s", false, 900));

        assertThat(result.output().path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.output().path("tasks").get(1)).isEqualTo(json("""
                {"taskId": "arm64", "arch": "arm64", "platform": "k8s", "status": "SUCCEEDED"}"""));
        assertThat(build.calls("Run on Fargate")).hasSize(1);
        assertThat(build.runTask("amd64")).hasSize(1);
        Call activity = build.calls("Run on Kubernetes").getFirst();
        assertThat(activity.parameters()).isEqualTo(json("""
                {"buildId": "b-k8s", "taskId": "arm64", "arch": "arm64", "cpu": "1024", "memory": "3072",
                 "timeoutSeconds": 900}"""));
        assertThat(activity.timeout()).isEqualTo(Duration.ofSeconds(900));
        assertThat(activity.heartbeat()).isEqualTo(Duration.ofSeconds(120));
        assertThat(build.calls("Run on Fargate").getFirst().timeout()).isEqualTo(Duration.ofSeconds(600));
        assertThat(build.calls("Run on Fargate").getFirst().heartbeat()).isNull();
    }

    @Test
    void aTaskThatRunsTooLongFailsWithTheTimeoutRecordedAndIsInterrupted() throws Exception {
        Scenario build = new Scenario("b-timeout");
        CountDownLatch interrupted = new CountDownLatch(1);
        build.agent("amd64", build.hangs(new CountDownLatch(1), interrupted));

        ExecutionResult result = build.run(false, null, ecs("amd64", false, 1));

        assertThat(result.output().path("status").asText()).isEqualTo("FAILED");
        assertThat(result.output().at("/tasks/0/error").asText()).isEqualTo("States.Timeout");
        assertThat(store.task("b-timeout", "amd64").orElseThrow().error()).startsWith("States.Timeout");
        assertThat(store.build("b-timeout").orElseThrow().status()).isEqualTo(BuildStatus.FAILED);
        assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the agent was stopped").isTrue();
    }

    @Test
    void stopEndsTheExecutionAndInterruptsTheRunningAgent() throws Exception {
        Scenario build = new Scenario("b-stopped");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        build.agent("amd64", build.hangs(started, interrupted));
        build.queue(ecs("amd64", false, 600));
        RunningExecution execution = machine.start(build.id, build.input(false, null, ecs("amd64", false, 600)));
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();

        execution.stop();

        ExecutionResult result = execution.done().get(20, TimeUnit.SECONDS);
        assertThat(result.status()).isEqualTo(ExecutionStatus.ABORTED);
        assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the agent was stopped").isTrue();
        assertThat(build.states()).containsExactly("Mark build running", "Run on Fargate");
    }

    @Test
    void aBuildThatIsNoLongerQueuedRunsNothing() throws Exception {
        Scenario build = new Scenario("b-cancelled");
        build.queue(ecs("amd64", false, 600));
        store.transition("b-cancelled", Set.of(BuildStatus.QUEUED), BuildStatus.CANCELLED, "cancelled by a test");

        ExecutionResult result = machine.start(build.id, build.input(false, null, ecs("amd64", false, 600)))
                .done().get(60, TimeUnit.SECONDS);

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("Bakery.BuildNotQueued");
        assertThat(build.states()).containsExactly("Mark build running");
    }

    // --- the test's cloud: agents per task, calls recorded per execution ---

    private record Call(String state, JsonNode parameters, long nanoTime, Duration timeout, Duration heartbeat) {
    }

    @FunctionalInterface
    private interface Agent {
        JsonNode run(JsonNode parameters, ExecutionContext context) throws TaskFailure, InterruptedException;
    }

    private record TaskSpec(String taskId, String platform, boolean spot, int timeoutSeconds) {
    }

    private static TaskSpec ecs(String arch, boolean spot, int timeoutSeconds) {
        return task(arch, "ecs", spot, timeoutSeconds);
    }

    private static TaskSpec task(String arch, String platform, boolean spot, int timeoutSeconds) {
        return new TaskSpec(arch, platform, spot, timeoutSeconds);
    }

    private static Scenario scenario(ExecutionContext context) {
        return SCENARIOS.get(context.executionName());
    }

    private static final class Scenario {
        private final String id;
        private final List<Call> calls = new CopyOnWriteArrayList<>();
        private final Map<String, Agent> agents = new ConcurrentHashMap<>();
        private volatile String indexDigest;

        Scenario(String id) {
            this.id = id;
            SCENARIOS.put(id, this);
        }

        void agent(String taskId, Agent agent) {
            agents.put(taskId, agent);
        }

        Agent agent(String taskId) {
            return agents.get(taskId);
        }

        void publishes(String digest) {
            indexDigest = digest;
        }

        JsonNode runTask(JsonNode parameters, ExecutionContext context) throws TaskFailure, InterruptedException {
            String taskId = environment(parameters, "BAKERY_TASK_ID");
            assertThat(environment(parameters, "BAKERY_BUILD_ID")).isEqualTo(id);
            return agent(taskId).run(parameters, context);
        }

        /** The index publisher's answer, recording the digest as IndexPublication does; no digest: it fails. */
        JsonNode publish() throws TaskFailure {
            if (indexDigest == null) {
                throw new TaskFailure("Lambda.Unknown", "registry.example refused the index");
            }
            store.recordIndexDigest(id, indexDigest);
            return json("""
                    {"StatusCode": 200, "ExecutedVersion": "7", "Payload": {"published": true, "indexDigest": "%s",
                     "destinations": ["registry.example/app:1"]}}""".formatted(indexDigest));
        }

        /** An agent that starts, records its success and exits 0. */
        Agent succeeds() {
            return (parameters, context) -> {
                String taskId = taskId(parameters);
                Instant now = Instant.now();
                store.startTask(id, taskId, now, null);
                store.recordResult(id, taskId, new TaskResult(TaskStatus.SUCCEEDED, "sha256:" + taskId, List.of(), 0, now,
                        now, null, false));
                return stoppedTask(taskId, 0);
            };
        }

        /** An agent on Spot capacity that Fargate reclaims: it records the interruption, the task stops. */
        Agent interrupted() {
            return (parameters, context) -> {
                String taskId = taskId(parameters);
                Instant now = Instant.now();
                store.startTask(id, taskId, now, null);
                store.recordResult(id, taskId, new TaskResult(TaskStatus.FAILED, null, List.of(), 143, now, now, "interrupted",
                        true));
                ObjectNode stopped = (ObjectNode) stoppedTask(taskId, 143);
                stopped.put("StopCode", "SpotInterruption").put("StoppedReason", "Your Spot Task was interrupted.");
                throw new TaskFailure("States.TaskFailed", stopped.toString());
            };
        }

        /** An agent that starts and dies without recording anything. */
        Agent crashes(int exitCode) {
            return (parameters, context) -> {
                store.startTask(id, taskId(parameters), Instant.now(), null);
                return stoppedTask(taskId(parameters), exitCode);
            };
        }

        /** An agent that runs until it is interrupted. */
        Agent hangs(CountDownLatch started, CountDownLatch interrupted) {
            return (parameters, context) -> {
                store.startTask(id, taskId(parameters), Instant.now(), null);
                started.countDown();
                try {
                    Thread.sleep(Duration.ofMinutes(5));
                    throw new AssertionError("never interrupted");
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
            };
        }

        /** The first call behaves like {@code agents[0]}, the second like {@code agents[1]}, ... */
        Agent attempts(Agent... each) {
            AtomicInteger attempt = new AtomicInteger();
            return (parameters, context) -> each[attempt.getAndIncrement()].run(parameters, context);
        }

        void queue(TaskSpec... tasks) {
            List<TaskRecord> items = new ArrayList<>();
            for (TaskSpec task : tasks) {
                items.add(TaskRecord.pending(id, task.taskId(), task.taskId()));
            }
            Builds.create(store, BuildRecord.queued(id, PLAN, "contexts/c.tar.gz", "arn:aws:iam::000000000000:user/ci",
                    Map.of(), Instant.now(), null), items);
        }

        /** The execution input, as BuildService.executionInput writes it. */
        String input(boolean publishIndex, String secretArn, TaskSpec... tasks) {
            ObjectNode input = JSON.createObjectNode().put("buildId", id).put("secretArn", secretArn)
                    .put("publishIndex", publishIndex);
            ArrayNode items = input.putArray("tasks");
            for (TaskSpec task : tasks) {
                ObjectNode item = items.addObject().put("buildId", id).put("taskId", task.taskId()).put("arch", task.taskId())
                        .put("platform", task.platform()).put("cpu", "1024").put("memory", "3072")
                        .put("timeoutSeconds", task.timeoutSeconds()).put("spot", task.spot());
                if (task.platform().equals("ecs")) {
                    item.put("taskDefinition", task.taskId().equals("amd64") ? AMD64_DEFINITION : ARM64_DEFINITION);
                } else {
                    item.put("activityArn", TestDefinitions.K8S_ACTIVITY);
                }
            }
            return input.toString();
        }

        ExecutionResult run(boolean publishIndex, String secretArn, TaskSpec... tasks) throws Exception {
            queue(tasks);
            return machine.start(id, input(publishIndex, secretArn, tasks)).done().get(60, TimeUnit.SECONDS);
        }

        List<String> states() {
            return calls.stream().map(Call::state).toList();
        }

        List<Call> calls(String state) {
            return calls.stream().filter(call -> call.state().equals(state)).toList();
        }

        JsonNode parameters(String state) {
            List<Call> matching = calls(state);
            assertThat(matching).as(state).hasSize(1);
            return matching.getFirst().parameters();
        }

        List<JsonNode> runTask(String taskId) {
            return calls("Run on Fargate").stream().map(Call::parameters)
                    .filter(parameters -> environment(parameters, "BAKERY_TASK_ID").equals(taskId)).toList();
        }

        private static String taskId(JsonNode parameters) {
            return parameters.has("taskId") ? parameters.get("taskId").asText() : environment(parameters, "BAKERY_TASK_ID");
        }
    }

    /** Two arches to one index; the failure-path test builds it too. */
    static final BuildPlan PLAN = BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", """
            global:
              kaniko: {destination: "registry.example/app:1"}
            bake:
              - arch: amd64
              - arch: arm64
            """))).builds().getFirst().plan();

    /** RunTask.sync's result: the stopped task as DescribeTasks tells it, with the integration's capitalized keys. */
    private static JsonNode stoppedTask(String taskId, int exitCode) {
        return json("""
                {"TaskArn": "arn:aws:ecs:us-east-1:000000000000:task/bakery/%s", "LastStatus": "STOPPED",
                 "StopCode": "EssentialContainerExited", "StoppedReason": "Essential container in task exited",
                 "Containers": [{"Name": "agent", "LastStatus": "STOPPED", "ExitCode": %d}]}""".formatted(taskId, exitCode));
    }

    private static Agent refuses(String cause) {
        return (parameters, context) -> {
            throw new TaskFailure("ECS.AmazonECSException", cause);
        };
    }

    private static String environment(JsonNode runTask, String name) {
        for (JsonNode variable : runTask.at("/Overrides/ContainerOverrides/0/Environment")) {
            if (variable.path("Name").asText().equals(name)) {
                return variable.path("Value").asText();
            }
        }
        throw new AssertionError("no " + name + " in " + runTask);
    }

    private static void awaitTaskStatus(String buildId, String taskId, TaskStatus status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (store.task(buildId, taskId).orElseThrow().status() != status) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(taskId + " never became " + status);
            }
            Thread.sleep(50);
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
