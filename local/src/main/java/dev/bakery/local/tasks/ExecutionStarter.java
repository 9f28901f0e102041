package dev.bakery.local.tasks;

import dev.bakery.local.statemachine.AslTemplate;
import dev.bakery.local.statemachine.LocalStateMachine;
import dev.bakery.local.statemachine.NodeRuntime;
import dev.bakery.local.statemachine.RunningExecution;
import dev.bakery.local.statemachine.TaskHandler;
import java.util.Map;
import java.util.function.Function;

/**
 * Starts executions of the build state machine. The server's one seam between "what runs the
 * definition" and "what answers its Task states", so tests can record starts instead of running Node.
 */
public interface ExecutionStarter extends AutoCloseable {

    RunningExecution start(String name, String inputJson);

    @Override
    default void close() {
    }

    /**
     * The real thing: the deployed {@code build.asl.json}, filled with the local substitutions, run by
     * aws-local-stepfunctions under {@code node}, its Task states answered by the given handler.
     */
    static Function<TaskHandler, ExecutionStarter> stateMachine(NodeRuntime node, Map<String, String> substitutions) {
        return tasks -> {
            LocalStateMachine machine = LocalStateMachine.create("bakery-build",
                    AslTemplate.buildStateMachine().substitute(substitutions), node, tasks);
            return new ExecutionStarter() {
                @Override
                public RunningExecution start(String name, String inputJson) {
                    return machine.start(name, inputJson);
                }

                @Override
                public void close() {
                    machine.close();
                }
            };
        };
    }
}
