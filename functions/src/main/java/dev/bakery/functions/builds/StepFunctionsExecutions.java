package dev.bakery.functions.builds;

import dev.bakery.functions.aws.StepFunctions;

/** Build executions on AWS Step Functions, named by build id. */
public final class StepFunctionsExecutions implements Executions {

    private final StepFunctions sfn;
    private final String stateMachineArn;
    private final String region;

    public StepFunctionsExecutions(StepFunctions sfn, String stateMachineArn, String region) {
        this.sfn = sfn;
        this.stateMachineArn = stateMachineArn;
        this.region = region;
    }

    @Override
    public String start(String name, String inputJson) {
        return sfn.startExecution(stateMachineArn, name, inputJson);
    }

    @Override
    public void stop(String executionArn, String cause) {
        sfn.stopExecution(executionArn, "Bakery.Cancelled", cause);
    }

    @Override
    public String consoleUrl(String executionArn) {
        return "https://" + region + ".console.aws.amazon.com/states/home?region=" + region
                + "#/v2/executions/details/" + executionArn;
    }
}
