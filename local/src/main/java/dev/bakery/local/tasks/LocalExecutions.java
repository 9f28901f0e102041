package dev.bakery.local.tasks;

import dev.bakery.functions.builds.Executions;
import dev.bakery.local.LocalAws;
import dev.bakery.local.agents.AgentProcesses;
import dev.bakery.local.statemachine.RunningExecution;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link Executions} on one machine: the build's execution runs in the local runner, named by the
 * build id; stopping it also stops the build's agent processes, so nothing is left running even
 * if the runner is slow to interrupt its Task state. Like StopExecution, stop() does not wait for
 * the agents to end: the build is marked CANCELLED first, and a late result cannot revive it.
 */
public final class LocalExecutions implements Executions {

    private final ExecutionStarter starter;
    private final AgentProcesses agents;
    private final URI rest;
    private final Map<String, RunningExecution> running = new ConcurrentHashMap<>();

    /** @param rest the local REST API, where a person looks at a build (there is no console) */
    public LocalExecutions(ExecutionStarter starter, AgentProcesses agents, URI rest) {
        this.starter = starter;
        this.agents = agents;
        this.rest = rest;
    }

    @Override
    public synchronized String start(String name, String inputJson) {
        if (!running.containsKey(name)) {
            RunningExecution execution = starter.start(name, inputJson);
            running.put(name, execution);
            execution.done().whenComplete((result, failure) -> running.remove(name, execution));
        }
        return LocalAws.EXECUTION_ARN_PREFIX + name;
    }

    @Override
    public void stop(String executionArn, String cause) {
        String name = name(executionArn);
        RunningExecution execution = running.remove(name);
        if (execution != null) {
            execution.stop();
        }
        Thread.ofVirtual().name("stop-" + name).start(() -> agents.cancel(name));
    }

    @Override
    public String consoleUrl(String executionArn) {
        return rest.resolve("/builds/" + name(executionArn)).toString();
    }

    /** Stops every execution (the server is shutting down); the agents are stopped by their owner. */
    public void stopAll() {
        running.values().forEach(RunningExecution::stop);
        running.clear();
    }

    private static String name(String executionArn) {
        return executionArn.startsWith(LocalAws.EXECUTION_ARN_PREFIX)
                ? executionArn.substring(LocalAws.EXECUTION_ARN_PREFIX.length()) : executionArn;
    }
}
