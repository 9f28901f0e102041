package dev.bakery.local.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How the runner behaves where aws-local-stepfunctions alone would differ from AWS, on small definitions. */
class LocalStateMachineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final NodeRuntime NODE = NodeRuntime.locate();

    /** One Task state "Work" (with {@code taskFields} added); its catchers may go to "Caught". */
    private static String oneTask(String taskFields) {
        String caught = taskFields.contains("\"Catch\"") ? ", \"Caught\": {\"Type\": \"Pass\", \"End\": true}" : "";
        return """
                {"StartAt": "Work", "States": {
                  "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", %s, "End": true}%s}}"""
                .formatted(taskFields, caught);
    }

    @Test
    void failuresAreMatchedByRetryAndCatchThroughTheirErrorName() throws Exception {
        List<String> attempts = new CopyOnWriteArrayList<>();
        String definition = oneTask("""
                "Retry": [{"ErrorEquals": ["Custom.Flaky"], "IntervalSeconds": 1, "MaxAttempts": 1}],
                "Catch": [{"ErrorEquals": ["Custom.Other"], "Next": "Caught"},
                          {"ErrorEquals": ["Custom.Broken"], "ResultPath": "$.failure", "Next": "Caught"}],
                "TimeoutSeconds": 30""");
        try (LocalStateMachine machine = LocalStateMachine.create(definition, NODE, (state, resource, parameters, context) -> {
            attempts.add(state);
            throw attempts.size() == 1 ? new TaskFailure("Custom.Flaky", "try again") : new TaskFailure("Custom.Broken", "gave up");
        })) {
            ExecutionResult result = run(machine, "e1", "{\"x\": 1}");

            assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(result.output()).isEqualTo(json("{\"x\": 1, \"failure\": {\"Error\": \"Custom.Broken\", \"Cause\": \"gave up\"}}"));
            assertThat(attempts).containsExactly("Work", "Work");
        }
    }

    @Test
    void anUncaughtFailureFailsTheExecutionWithItsNameAndCause() throws Exception {
        try (LocalStateMachine machine = LocalStateMachine.create(oneTask("\"TimeoutSeconds\": 30"), NODE,
                (state, resource, parameters, context) -> {
                    throw new TaskFailure("Lambda.Unknown", "the function crashed");
                })) {
            ExecutionResult result = run(machine, "e2", "{}");

            assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(result.error()).isEqualTo("Lambda.Unknown");
            assertThat(result.cause()).isEqualTo("the function crashed");
            assertThat(result.output()).isNull();
        }
    }

    @Test
    void aHandlerBugFailsTheTaskWithTheExceptionClassAsErrorName() throws Exception {
        try (LocalStateMachine machine = LocalStateMachine.create(oneTask("\"TimeoutSeconds\": 30"), NODE,
                (state, resource, parameters, context) -> {
                    throw new IllegalStateException("no such agent");
                })) {
            ExecutionResult result = run(machine, "e3", "{}");

            assertThat(result.error()).isEqualTo("java.lang.IllegalStateException");
            assertThat(result.cause()).isEqualTo("no such agent");
        }
    }

    /**
     * AWS reads TimeoutSecondsPath from the state's input; the library alone would read it from the
     * resolved Parameters. A timeout is {@code States.Timeout}, which {@code States.TaskFailed} does not match.
     */
    @Test
    void timeoutSecondsPathIsReadFromTheStateInputAndTheHandlerIsInterrupted() throws Exception {
        List<JsonNode> seen = new CopyOnWriteArrayList<>();
        CountDownLatch interrupted = new CountDownLatch(1);
        String definition = oneTask("""
                "Parameters": {"job.$": "$.job"},
                "TimeoutSecondsPath": "$.limit",
                "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.wrong", "Next": "Caught"},
                          {"ErrorEquals": ["States.Timeout"], "ResultPath": "$.failure", "Next": "Caught"}]""");
        try (LocalStateMachine machine = LocalStateMachine.create(definition, NODE, (state, resource, parameters, context) -> {
            seen.add(parameters);
            return sleepUntilInterrupted(interrupted);
        })) {
            long started = System.nanoTime();
            ExecutionResult result = run(machine, "e4", "{\"job\": \"build\", \"limit\": 1}");

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(10));
            assertThat(result.output().path("failure").path("Error").asText()).isEqualTo("States.Timeout");
            assertThat(result.output().has("wrong")).isFalse();
            assertThat(seen).containsExactly(json("{\"job\": \"build\"}"));
            assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** The library ignores HeartbeatSeconds; the Java side fails a silent task as AWS does. */
    @Test
    void heartbeatSecondsFailsASilentTaskButNotOneThatHeartbeats() throws Exception {
        String definition = oneTask("""
                "Parameters": {"beats.$": "$.beats"},
                "TimeoutSeconds": 30, "HeartbeatSeconds": 1,
                "Catch": [{"ErrorEquals": ["States.HeartbeatTimeout"], "ResultPath": "$.failure", "Next": "Caught"}]""");
        try (LocalStateMachine machine = LocalStateMachine.create(definition, NODE, (state, resource, parameters, context) -> {
            for (int i = 0; i < 12; i++) {
                if (parameters.path("beats").asBoolean()) {
                    context.heartbeat();
                }
                Thread.sleep(200);
            }
            return json("{\"worked\": true}");
        })) {
            RunningExecution silent = machine.start("silent", "{\"beats\": false}");
            RunningExecution beating = machine.start("beating", "{\"beats\": true}");

            ExecutionResult failed = silent.done().get(30, TimeUnit.SECONDS);
            ExecutionResult alive = beating.done().get(30, TimeUnit.SECONDS);
            assertThat(failed.output().path("failure").path("Error").asText()).isEqualTo("States.HeartbeatTimeout");
            assertThat(alive.output()).isEqualTo(json("{\"worked\": true}"));
        }
    }

    @Test
    void executionsRunConcurrently() throws Exception {
        CyclicBarrier allThree = new CyclicBarrier(3);
        try (LocalStateMachine machine = LocalStateMachine.create(oneTask("\"TimeoutSeconds\": 30"), NODE,
                (state, resource, parameters, context) -> {
                    try {
                        allThree.await(20, TimeUnit.SECONDS); // passes only if all three calls are in flight together
                    } catch (java.util.concurrent.BrokenBarrierException | java.util.concurrent.TimeoutException e) {
                        throw new TaskFailure("Test.NotConcurrent", e.toString());
                    }
                    return json("{\"by\": \"" + context.executionName() + "\"}");
                })) {
            List<RunningExecution> executions = List.of(machine.start("a", "{}"), machine.start("b", "{}"),
                    machine.start("c", "{}"));

            for (RunningExecution execution : executions) {
                ExecutionResult result = execution.done().get(30, TimeUnit.SECONDS);
                assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
                assertThat(result.output()).isEqualTo(json("{\"by\": \"" + execution.name() + "\"}"));
            }
        }
    }

    @Test
    void theContextObjectHasTheExecutionNameAndWhenTheStateWasEntered() throws Exception {
        String definition = oneTask("""
                "Parameters": {"name.$": "$$.Execution.Name", "id.$": "$$.Execution.Id", "at.$": "$$.State.EnteredTime"},
                "TimeoutSeconds": 30""");
        try (LocalStateMachine machine = LocalStateMachine.create("tiny", definition, NODE,
                (state, resource, parameters, context) -> parameters)) {
            Instant before = Instant.now();
            ExecutionResult result = run(machine, "b-ctx", "{}");

            assertThat(result.output().path("name").asText()).isEqualTo("b-ctx");
            assertThat(result.output().path("id").asText()).isEqualTo("arn:aws:states:local:000000000000:execution:tiny:b-ctx");
            assertThat(Instant.parse(result.output().path("at").asText())).isBetween(before.minusSeconds(1), Instant.now());
        }
    }

    @Test
    void closeAbortsRunningExecutionsAndInterruptsTheirHandlers() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        RunningExecution execution;
        try (LocalStateMachine machine = LocalStateMachine.create(oneTask("\"TimeoutSeconds\": 30"), NODE,
                (state, resource, parameters, context) -> {
                    started.countDown();
                    return sleepUntilInterrupted(interrupted);
                })) {
            execution = machine.start("e-closed", "{}");
            assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(execution.done().get(5, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.ABORTED);
        assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void anInvalidDefinitionIsRefusedWithTheValidatorsReason() {
        assertThatThrownBy(() -> LocalStateMachine.create("{\"StartAt\": \"Nowhere\", \"States\": {}}", NODE,
                (state, resource, parameters, context) -> null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("State machine definition is invalid");
    }

    @Test
    void executionNamesFollowAwsRulesAndAreUniqueWhileRunning() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (LocalStateMachine machine = LocalStateMachine.create(oneTask("\"TimeoutSeconds\": 30"), NODE,
                (state, resource, parameters, context) -> {
                    release.await();
                    return null;
                })) {
            assertThatThrownBy(() -> machine.start("has space", "{}")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1 to 80 of A-Z a-z 0-9 _ -");
            assertThatThrownBy(() -> machine.start("ok", "{not json")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("the input of execution ok is not JSON");
            RunningExecution first = machine.start("twice", "{}");
            assertThatThrownBy(() -> machine.start("twice", "{}")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already running");
            release.countDown();
            assertThat(first.done().get(20, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        }
    }

    private static JsonNode sleepUntilInterrupted(CountDownLatch interrupted) throws InterruptedException {
        try {
            Thread.sleep(Duration.ofMinutes(1));
            throw new AssertionError("never interrupted");
        } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
        }
    }

    private static ExecutionResult run(LocalStateMachine machine, String name, String input) throws Exception {
        return machine.start(name, input).done().get(60, TimeUnit.SECONDS);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
