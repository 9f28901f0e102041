package dev.bakery.functions.aws;

import dev.bakery.testing.LoopbackAws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;

class StepFunctionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INPUT = "{\"buildId\":\"b-1\",\"tasks\":[{\"taskId\":\"t1\",\"arch\":\"amd64\"}]}";

    private final LoopbackAws aws = LoopbackAws.start();
    private final String machine = aws.stateMachine("eu-west-1", "bakery-build");
    private final StepFunctions sfn = new StepFunctions(aws.sfn("eu-west-1"));

    @AfterEach
    void stop() {
        aws.close();
    }

    private static String executionArn(String name) {
        return "arn:aws:states:eu-west-1:111122223333:execution:bakery-build:" + name;
    }

    private String targets() {
        return String.join(",", aws.calls().stream().map(LoopbackAws.Call::target).toList());
    }

    @Test
    void startsAnExecutionNamedAfterTheBuild() throws Exception {
        String arn = sfn.startExecution(machine, "b-1", INPUT);

        assertThat(arn).isEqualTo(executionArn("b-1"));
        assertThat(aws.calls()).singleElement().satisfies(call -> {
            assertThat(call.service()).isEqualTo("states");
            assertThat(call.region()).isEqualTo("eu-west-1");
            assertThat(call.target()).isEqualTo("AWSStepFunctions.StartExecution");
            assertThat(call.body()).isEqualTo(JSON.readTree(
                    "{\"stateMachineArn\":\"" + machine + "\",\"name\":\"b-1\",\"input\":" + JSON.writeValueAsString(INPUT) + "}"));
        });
        assertThat(aws.execution(arn).status()).isEqualTo("RUNNING");
        assertThat(aws.execution(arn).input()).isEqualTo(INPUT);
    }

    @Test
    void startingTwiceWithTheSameNameAndInputGivesTheSameExecution() {
        String first = sfn.startExecution(machine, "b-1", INPUT);
        String second = sfn.startExecution(machine, "b-1", INPUT);

        assertThat(second).isEqualTo(first);
        assertThat(aws.executions()).hasSize(1);
        assertThat(aws.bodies("StartExecution")).hasSize(2).allSatisfy(body -> assertThat(body.path("name").asText()).isEqualTo("b-1"));
    }

    @Test
    void aRetryAfterTheExecutionEndedStillFindsIt() {
        // Step Functions refuses any start of an ended execution's name; the input tells a retry from a clash.
        String first = sfn.startExecution(machine, "b-1", INPUT);
        aws.endExecution(first, "SUCCEEDED");

        assertThat(sfn.startExecution(machine, "b-1", INPUT)).isEqualTo(first);
        assertThat(targets()).isEqualTo("AWSStepFunctions.StartExecution,AWSStepFunctions.StartExecution,AWSStepFunctions.DescribeExecution");
        assertThat(aws.executions()).singleElement().satisfies(e -> assertThat(e.status()).isEqualTo("SUCCEEDED"));
    }

    @Test
    void theSameInputWrittenDifferentlyIsStillTheSameInput() {
        String first = sfn.startExecution(machine, "b-1", INPUT);

        String spaced = "{ \"buildId\" : \"b-1\", \"tasks\" : [ { \"taskId\" : \"t1\", \"arch\" : \"amd64\" } ] }";
        assertThat(sfn.startExecution(machine, "b-1", spaced)).isEqualTo(first);
        assertThat(aws.executions()).hasSize(1);
    }

    @Test
    void aLostAnswerIsRetriedWithoutASecondExecution() {
        aws.loseNextResponses(1);

        String arn = sfn.startExecution(machine, "b-1", INPUT);

        assertThat(arn).isEqualTo(executionArn("b-1"));
        assertThat(aws.bodies("StartExecution")).hasSize(2);
        assertThat(aws.executions()).hasSize(1);
    }

    @Test
    void theSameNameWithAnotherInputIsAClearError() {
        sfn.startExecution(machine, "b-1", INPUT);

        assertThatThrownBy(() -> sfn.startExecution(machine, "b-1", "{\"buildId\":\"b-1\",\"tasks\":[]}"))
                .isInstanceOfSatisfying(ExecutionAlreadyExistsException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExecutionAlreadyExists"))
                .hasMessageStartingWith("execution b-1 of " + machine + " exists already with a different input; execution names are"
                        + " unique per state machine for 90 days, so it cannot be started again (ExecutionAlreadyExists:"
                        + " Execution Already Exists: '" + executionArn("b-1") + "')");
        assertThat(aws.executions()).singleElement().satisfies(e -> assertThat(e.input()).isEqualTo(INPUT));
    }

    @Test
    void anUnknownStateMachineIsNamed() {
        String missing = "arn:aws:states:eu-west-1:111122223333:stateMachine:nope";

        assertThatThrownBy(() -> sfn.startExecution(missing, "b-1", INPUT))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("StateMachineDoesNotExist"))
                .hasMessageStartingWith("cannot start execution b-1 of " + missing + " (StateMachineDoesNotExist: State Machine Does Not Exist: '"
                        + missing + "')");
    }

    @Test
    void stopAbortsARunningExecutionWithErrorAndCause() throws Exception {
        String arn = sfn.startExecution(machine, "b-1", INPUT);

        sfn.stopExecution(arn, "Bakery.Cancelled", "cancelled by alice");

        assertThat(aws.bodies("StopExecution")).containsExactly(JSON.readTree(
                "{\"executionArn\":\"" + arn + "\",\"error\":\"Bakery.Cancelled\",\"cause\":\"cancelled by alice\"}"));
        assertThat(aws.execution(arn)).satisfies(e -> {
            assertThat(e.status()).isEqualTo("ABORTED");
            assertThat(e.error()).isEqualTo("Bakery.Cancelled");
            assertThat(e.cause()).isEqualTo("cancelled by alice");
        });
        assertThat(sfn.executionStatus(arn)).isEqualTo("ABORTED");
    }

    @Test
    void stopWithoutErrorAndCauseSendsNeither() throws Exception {
        // With null error and cause, a stop needs no KMS permission on an encrypted execution.
        String arn = sfn.startExecution(machine, "b-1", INPUT);

        sfn.stopExecution(arn, null, null);

        assertThat(aws.bodies("StopExecution")).containsExactly(JSON.readTree("{\"executionArn\":\"" + arn + "\"}"));
        assertThat(aws.execution(arn).status()).isEqualTo("ABORTED");
    }

    @Test
    void stoppingTwiceIsNotAnError() {
        String arn = sfn.startExecution(machine, "b-1", INPUT);

        sfn.stopExecution(arn, "Bakery.Cancelled", "first");
        sfn.stopExecution(arn, "Bakery.Cancelled", "second");

        assertThat(aws.execution(arn).cause()).isEqualTo("first");
        assertThat(sfn.executionStatus(arn)).isEqualTo("ABORTED");
    }

    @Test
    void stoppingAnEndedExecutionIsNotAnError() {
        String arn = sfn.startExecution(machine, "b-1", INPUT);
        aws.endExecution(arn, "SUCCEEDED");

        sfn.stopExecution(arn, "Bakery.Cancelled", "too late");

        assertThat(aws.execution(arn).status()).isEqualTo("SUCCEEDED");
    }

    @Test
    void stoppingAnEndedExecutionIsNotAnErrorEvenWhenStepFunctionsRefusesIt() {
        aws.stopOfEndedExecutionFails();
        String arn = sfn.startExecution(machine, "b-1", INPUT);
        aws.endExecution(arn, "FAILED");

        sfn.stopExecution(arn, "Bakery.Cancelled", "too late");

        assertThat(targets()).endsWith("AWSStepFunctions.StopExecution,AWSStepFunctions.DescribeExecution");
        assertThat(aws.execution(arn).status()).isEqualTo("FAILED");
    }

    @Test
    void stoppingAnExecutionThatNeverExistedFails() {
        String arn = executionArn("b-404");

        assertThatThrownBy(() -> sfn.stopExecution(arn, null, null))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExecutionDoesNotExist"))
                .hasMessageStartingWith("cannot stop execution " + arn + " (ExecutionDoesNotExist: Execution Does Not Exist: '" + arn + "')");
    }

    @Test
    void executionStatusFollowsTheExecution() {
        String arn = sfn.startExecution(machine, "b-1", INPUT);
        assertThat(sfn.executionStatus(arn)).isEqualTo("RUNNING");

        aws.endExecution(arn, "FAILED");

        assertThat(sfn.executionStatus(arn)).isEqualTo("FAILED");
        assertThatThrownBy(() -> sfn.executionStatus(executionArn("b-404")))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExecutionDoesNotExist"))
                .hasMessageStartingWith("cannot describe execution " + executionArn("b-404") + " (ExecutionDoesNotExist:");
    }

    @Test
    void malformedArgumentsAreRefusedBeforeAnyCall() {
        assertThatThrownBy(() -> sfn.startExecution(machine, "b 1", INPUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("execution name b 1 contains ' ' at 1, which Step Functions does not allow");
        assertThatThrownBy(() -> sfn.startExecution(machine, "b:1", INPUT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sfn.startExecution(machine, "b".repeat(81), INPUT))
                .hasMessage("execution name must be 1 to 80 characters, not 81");
        assertThatThrownBy(() -> sfn.startExecution(machine, "b-1", "{\"buildId\":"))
                .hasMessage("execution input is not a JSON document");
        assertThatThrownBy(() -> sfn.startExecution(machine, "b-1", "{\"pad\":\"" + "x".repeat(StepFunctions.MAX_INPUT_BYTES) + "\"}"))
                .hasMessageStartingWith("execution input is 262154 bytes; Step Functions takes at most 262144");
        assertThatThrownBy(() -> sfn.startExecution("arn:aws:lambda:eu-west-1:111122223333:function:x", "b-1", INPUT))
                .hasMessage("not a state machine ARN: arn:aws:lambda:eu-west-1:111122223333:function:x");
        assertThatThrownBy(() -> sfn.stopExecution(machine, null, null)).hasMessage("not an execution ARN: " + machine);
        assertThatThrownBy(() -> sfn.stopExecution(executionArn("b-1"), "E".repeat(257), null))
                .hasMessage("error must be at most 256 characters, not 257");
        assertThat(aws.calls()).isEmpty();
    }
}
