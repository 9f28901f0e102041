package dev.bakery.local.statemachine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * One state machine definition executed by aws-local-stepfunctions in a Node.js process of its own
 * ({@code runner.mjs}, JSON lines over stdin/stdout), any number of executions at once. Every Task
 * state is answered by the {@link TaskHandler}, on a virtual thread per call.
 *
 * <p>Where the library differs from AWS, this side makes up for it: a Task's {@code TimeoutSecondsPath}
 * is resolved against the state's input (the library would use its parameters) and the library's timer
 * raises {@code States.Timeout}, while the handler is interrupted here at the same moment;
 * {@code HeartbeatSeconds}, which the library ignores, is enforced here ({@link ExecutionContext#heartbeat},
 * {@code States.HeartbeatTimeout}); {@code $$.State.EnteredTime}, {@code $$.Execution.Name} and
 * {@code $$.Execution.Id} are provided. Not available: JSONata, {@code Assign}, Distributed Map, and
 * Choice rules of the form {@code "IsNull": false} (and the other {@code Is*: false}), which the library
 * never matches: write {@code "Not": {... true}}.
 */
public final class LocalStateMachine implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LocalStateMachine.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** AWS's rule for execution names (Bakery build ids fit it). */
    private static final Pattern EXECUTION_NAME = Pattern.compile("[A-Za-z0-9_-]{1,80}");
    private static final String RUNNER = "node/runner.mjs";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final int STDERR_LINES_KEPT = 20;

    private final String name;
    private final TaskHandler handler;
    private final Path runner;
    private final Process node;
    private final BufferedWriter toNode;
    private final Map<String, Execution> executions = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor timers;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private volatile boolean closed;

    private LocalStateMachine(String name, TaskHandler handler, Path runner, Process node) {
        this.name = name;
        this.handler = handler;
        this.runner = runner;
        this.node = node;
        this.toNode = new BufferedWriter(new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8));
        this.timers = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().daemon().name("sfn-timers-" + name)
                .unstarted(r));
        timers.setRemoveOnCancelPolicy(true);
        Thread.ofPlatform().daemon().name("sfn-runner-" + name).start(this::readAnswers);
        Thread.ofPlatform().daemon().name("sfn-runner-stderr-" + name).start(this::readLog);
    }

    /** {@link #create(String, String, NodeRuntime, TaskHandler)} named {@code local}. */
    public static LocalStateMachine create(String aslJson, NodeRuntime node, TaskHandler handler) {
        return create("local", aslJson, node, handler);
    }

    /**
     * Starts the runner with {@code aslJson} (all {@code ${...}} already substituted) and waits until the
     * library accepted it.
     *
     * @param name the state machine's name, as in its ARN ({@code $$.StateMachine.Name})
     * @throws IllegalArgumentException the definition is not valid ASL (the validator's messages say why)
     */
    public static LocalStateMachine create(String name, String aslJson, NodeRuntime node, TaskHandler handler) {
        JsonNode definition = parse("the state machine definition", aslJson);
        Path runner = extractRunner();
        Process process;
        try {
            process = new ProcessBuilder(node.node().toString(), runner.toString(), node.modules().toString()).start();
        } catch (IOException e) {
            deleteQuietly(runner);
            throw new IllegalStateException("cannot start " + node.node() + ": " + e.getMessage(), e);
        }
        LocalStateMachine machine = new LocalStateMachine(name, handler, runner, process);
        try {
            ObjectNode init = JSON.createObjectNode().put("type", "init");
            init.set("definition", definition);
            machine.send(init);
            machine.ready.get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return machine;
        } catch (ExecutionException e) {
            machine.close();
            // Rethrown from here, so that the trace shows the caller rather than the reader thread.
            throw e.getCause() instanceof IllegalArgumentException invalid
                    ? new IllegalArgumentException(invalid.getMessage(), invalid)
                    : new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            machine.close();
            throw new IllegalStateException("the Node.js runner did not start within " + READY_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            machine.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the Node.js runner", e);
        } catch (RuntimeException e) {
            machine.close();
            throw e;
        }
    }

    /**
     * Starts an execution.
     *
     * @param executionName 1 to 80 of {@code A-Z a-z 0-9 _ -} (AWS's rule), unique among running executions
     * @param inputJson     the execution input
     */
    public RunningExecution start(String executionName, String inputJson) {
        if (closed) {
            throw new IllegalStateException("the local state machine " + name + " is closed");
        }
        if (executionName == null || !EXECUTION_NAME.matcher(executionName).matches()) {
            throw new IllegalArgumentException("an execution name is 1 to 80 of A-Z a-z 0-9 _ -, not " + executionName);
        }
        JsonNode input = parse("the input of execution " + executionName, inputJson);
        Execution execution = new Execution(executionName);
        if (executions.putIfAbsent(executionName, execution) != null) {
            throw new IllegalStateException("an execution named " + executionName + " is already running");
        }
        String stateMachineArn = "arn:aws:states:local:000000000000:stateMachine:" + name;
        ObjectNode start = JSON.createObjectNode().put("type", "start").put("execution", executionName);
        start.set("input", input);
        ObjectNode context = start.putObject("context");
        context.putObject("Execution").put("Name", executionName)
                .put("Id", "arn:aws:states:local:000000000000:execution:" + name + ":" + executionName);
        context.putObject("StateMachine").put("Name", name).put("Id", stateMachineArn);
        send(start);
        return execution;
    }

    /** Stops every execution (ABORTED), interrupts their handlers and ends the Node.js process. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Execution execution : List.copyOf(executions.values())) {
            execution.end(new ExecutionResult(execution.name, ExecutionStatus.ABORTED, null, null,
                    "the local state machine was closed"));
        }
        synchronized (toNode) {
            try {
                toNode.close(); // the runner exits when its input ends
            } catch (IOException e) {
                // it is gone already
            }
        }
        try {
            if (!node.waitFor(5, TimeUnit.SECONDS)) {
                node.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            node.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        timers.shutdownNow();
        deleteQuietly(runner);
    }

    private void readAnswers() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                dispatch(line);
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.log(System.Logger.Level.ERROR, "reading the Node.js runner failed", e);
            }
        }
        runnerEnded();
    }

    private void dispatch(String line) {
        JsonNode message;
        try {
            message = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            LOG.log(System.Logger.Level.WARNING, "the Node.js runner printed a line that is not JSON: {0}", line);
            return;
        }
        switch (message.path("type").asText()) {
            case "ready" -> ready.complete(null);
            case "fatal" -> {
                String problem = message.path("message").asText();
                if (!ready.completeExceptionally(new IllegalArgumentException(problem))) {
                    LOG.log(System.Logger.Level.ERROR, "the Node.js runner: {0}", problem);
                }
            }
            case "call" -> call(message);
            case "done" -> done(message);
            default -> LOG.log(System.Logger.Level.WARNING, "unexpected message from the Node.js runner: {0}", line);
        }
    }

    private void call(JsonNode message) {
        long id = message.path("call").asLong();
        Execution execution = executions.get(message.path("execution").asText());
        String stateName = message.path("state").asText();
        if (execution == null || execution.stopping) {
            // A retry that woke up after StopExecution: nothing runs any more.
            send(answer(id).put("error", "States.Runtime").put("cause", "the execution was stopped"));
            return;
        }
        Call call = new Call(id, execution, stateName, seconds(message.get("timeoutSeconds")),
                seconds(message.get("heartbeatSeconds")));
        execution.calls.put(id, call);
        call.start(message.path("resource").asText(), message.get("parameters"));
    }

    private static Duration seconds(JsonNode value) {
        return value == null || !value.canConvertToLong() ? null : Duration.ofSeconds(value.asLong());
    }

    private void done(JsonNode message) {
        Execution execution = executions.get(message.path("execution").asText());
        if (execution == null) {
            return;
        }
        ExecutionStatus status = ExecutionStatus.valueOf(message.path("status").asText());
        execution.end(new ExecutionResult(execution.name, status, status == ExecutionStatus.SUCCEEDED ? message.get("output")
                : null, text(message, "error"), text(message, "cause")));
    }

    private void runnerEnded() {
        int code;
        try {
            code = node.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        String log;
        synchronized (stderrTail) {
            log = stderrTail.isEmpty() ? "" : ": " + String.join(" | ", stderrTail);
        }
        IllegalStateException gone = new IllegalStateException("the Node.js state machine runner exited with code " + code + log);
        ready.completeExceptionally(gone);
        for (Execution execution : List.copyOf(executions.values())) {
            execution.fail(gone);
        }
    }

    private void readLog() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(node.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                LOG.log(System.Logger.Level.DEBUG, "node: {0}", line);
                synchronized (stderrTail) {
                    if (stderrTail.size() == STDERR_LINES_KEPT) {
                        stderrTail.removeFirst();
                    }
                    stderrTail.addLast(line);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private void send(ObjectNode message) {
        String line;
        try {
            line = JSON.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialize a message to the Node.js runner", e);
        }
        synchronized (toNode) {
            try {
                toNode.write(line);
                toNode.write('\n');
                toNode.flush();
            } catch (IOException e) {
                if (!closed) {
                    throw new UncheckedIOException("the Node.js runner is gone", e);
                }
            }
        }
    }

    private static ObjectNode answer(long call) {
        return JSON.createObjectNode().put("type", "answer").put("call", call);
    }

    private static JsonNode parse(String what, String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String text(JsonNode message, String field) {
        JsonNode value = message.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Path extractRunner() {
        try (InputStream in = LocalStateMachine.class.getResourceAsStream(RUNNER)) {
            if (in == null) {
                throw new IllegalStateException("the class path lacks " + RUNNER + " next to " + LocalStateMachine.class.getName());
            }
            Path file = Files.createTempFile("bakery-sfn-runner-", ".mjs");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Node.js runner to a temporary file", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete {0}: {1}", file, e.getMessage());
        }
    }

    private final class Execution implements RunningExecution {
        private final String name;
        private final CompletableFuture<ExecutionResult> done = new CompletableFuture<>();
        private final Map<Long, Call> calls = new ConcurrentHashMap<>();
        private volatile boolean stopping;

        Execution(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public CompletableFuture<ExecutionResult> done() {
            return done;
        }

        @Override
        public void stop() {
            if (done.isDone() || closed) {
                return;
            }
            stopping = true;
            abandonCalls();
            send(JSON.createObjectNode().put("type", "stop").put("execution", name));
        }

        void end(ExecutionResult result) {
            executions.remove(name, this);
            abandonCalls(); // e.g. the other iterations of a Map whose item failed
            done.complete(result);
        }

        void fail(RuntimeException problem) {
            executions.remove(name, this);
            abandonCalls();
            done.completeExceptionally(problem);
        }

        private void abandonCalls() {
            for (Call call : List.copyOf(calls.values())) {
                call.abandon();
            }
        }
    }

    /** One Task state's call: its handler thread, its timers, and the one answer it may give. */
    private final class Call implements ExecutionContext {
        private final long id;
        private final Execution execution;
        private final String stateName;
        private final Duration timeoutAfter;
        private final Duration heartbeatEvery;
        private final AtomicBoolean answered = new AtomicBoolean();
        private volatile Thread thread;
        private volatile long lastHeartbeat = System.nanoTime();
        private volatile ScheduledFuture<?> timeout;
        private volatile ScheduledFuture<?> heartbeatCheck;

        Call(long id, Execution execution, String stateName, Duration timeoutAfter, Duration heartbeatEvery) {
            this.id = id;
            this.execution = execution;
            this.stateName = stateName;
            this.timeoutAfter = timeoutAfter;
            this.heartbeatEvery = heartbeatEvery;
        }

        @Override
        public String executionName() {
            return execution.name;
        }

        @Override
        public Optional<Duration> timeout() {
            return Optional.ofNullable(timeoutAfter);
        }

        @Override
        public Optional<Duration> heartbeatTimeout() {
            return Optional.ofNullable(heartbeatEvery);
        }

        @Override
        public void heartbeat() {
            lastHeartbeat = System.nanoTime();
        }

        void start(String resource, JsonNode parameters) {
            // Assigned before it runs, so an abandon() racing with the handler's first steps can interrupt it.
            thread = Thread.ofVirtual().name("sfn-" + execution.name + "-" + stateName).unstarted(
                    () -> run(resource, parameters));
            thread.start();
            if (timeoutAfter != null) {
                // The library's timer, armed before this call was sent, fails the state; this one stops the work.
                timeout = timers.schedule(() -> expire(answer(id).put("timedOut", true)), timeoutAfter.toNanos(),
                        TimeUnit.NANOSECONDS);
            }
            if (heartbeatEvery != null) {
                checkHeartbeat(heartbeatEvery);
            }
        }

        private void checkHeartbeat(Duration every) {
            long silent = System.nanoTime() - lastHeartbeat;
            if (silent >= every.toNanos()) {
                expire(answer(id).put("error", "States.HeartbeatTimeout").put("cause", "no heartbeat from " + stateName
                        + " for " + every.toSeconds() + " s"));
            } else {
                heartbeatCheck = timers.schedule(() -> checkHeartbeat(every), every.toNanos() - silent, TimeUnit.NANOSECONDS);
            }
        }

        private void run(String resource, JsonNode parameters) {
            ObjectNode reply = answer(id);
            try {
                if (answered.get()) {
                    return; // abandoned before it began
                }
                reply.set("output", handler.handle(stateName, resource, parameters, this));
            } catch (TaskFailure failure) {
                reply.put("error", failure.error()).put("cause", failure.cause());
            } catch (InterruptedException e) {
                // Interrupted by stop() or a timeout, which answered already; else by itself: a failure.
                reply.put("error", e.getClass().getName()).put("cause", "the handler of " + stateName + " was interrupted");
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "the handler of " + stateName + " in " + execution.name + " failed", e);
                reply.put("error", e.getClass().getName()).put("cause", String.valueOf(e.getMessage()));
            } finally {
                cancelTimers();
                execution.calls.remove(id, this);
            }
            if (answered.compareAndSet(false, true)) {
                send(reply);
            }
        }

        private void expire(ObjectNode reply) {
            if (answered.compareAndSet(false, true)) {
                cancelTimers();
                interrupt();
                send(reply);
            }
        }

        void abandon() {
            if (answered.compareAndSet(false, true)) {
                cancelTimers();
                interrupt();
            }
        }

        private void interrupt() {
            Thread running = thread;
            if (running != null) {
                running.interrupt();
            }
        }

        private void cancelTimers() {
            if (timeout != null) {
                timeout.cancel(false);
            }
            if (heartbeatCheck != null) {
                heartbeatCheck.cancel(false);
            }
        }
    }
}
