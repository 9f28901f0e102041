package dev.bakery.functions.builds;

/** Starts and stops a build's state machine execution (Step Functions in AWS, the local runner on one machine). */
public interface Executions {

    /** Starts the execution named {@code name}; starting the same name with the same input again returns the same ARN. */
    String start(String name, String inputJson);

    /** Stops it; stopping one that already ended is not an error. */
    void stop(String executionArn, String cause);

    /** The console page of an execution, for people. */
    String consoleUrl(String executionArn);
}
