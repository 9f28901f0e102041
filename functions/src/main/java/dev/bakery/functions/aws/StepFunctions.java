package dev.bakery.functions.aws;

import dev.bakery.aws.AwsErrors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.SfnException;

/**
 * Starts, stops and reads Step Functions executions (STANDARD workflows).
 * Both writes are safe to repeat: a build's execution is named after the build, so a second start
 * with the same name and input finds the first one, and stopping an execution that already ended
 * is not an error.
 */
public final class StepFunctions {

    /** Step Functions' own limit on an execution's input (UTF-8 bytes). */
    static final int MAX_INPUT_BYTES = 256 * 1024;
    private static final int MAX_NAME_LENGTH = 80;
    private static final int MAX_ERROR_LENGTH = 256;
    private static final int MAX_CAUSE_LENGTH = 32_768;
    /** Characters Step Functions refuses in an execution name, besides whitespace and control characters. */
    private static final String NAME_FORBIDDEN = "<>{}[]?*\"#%\\^|~`$&,;:/";
    private static final Pattern STATE_MACHINE_ARN = Pattern.compile(
            "arn:([a-z-]+):states:([a-z0-9-]+):(\\d{12}):stateMachine:([^\\s:/]{1,80})(?::[^\\s:/]+)?");
    private static final Pattern EXECUTION_ARN = Pattern.compile(
            "arn:[a-z-]+:states:[a-z0-9-]+:\\d{12}:execution:[^\\s:/]{1,80}:[^\\s:/]{1,80}");
    /** Statuses of an execution that has not ended yet. */
    private static final Set<ExecutionStatus> OPEN = Set.of(ExecutionStatus.RUNNING, ExecutionStatus.PENDING_REDRIVE);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SfnClient client;

    public StepFunctions(SfnClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * Starts an execution named {@code name} and returns its ARN. If an execution of that name
     * exists already with the same input (a retry of ours, possibly after it ended), its ARN is
     * returned and nothing new starts.
     *
     * @param inputJson a JSON document, at most 256 KiB
     * @throws IllegalArgumentException the ARN, name or input is malformed (nothing was sent)
     * @throws SdkException             Step Functions refused, e.g. {@link ExecutionAlreadyExistsException}
     *                                  when an execution of that name has a different input
     */
    public String startExecution(String stateMachineArn, String name, String inputJson) {
        Matcher arn = STATE_MACHINE_ARN.matcher(Objects.requireNonNull(stateMachineArn, "stateMachineArn"));
        if (!arn.matches()) {
            throw new IllegalArgumentException("not a state machine ARN: " + stateMachineArn);
        }
        checkName(name);
        JsonNode input = parseInput(inputJson);

        try {
            return client.startExecution(r -> r.stateMachineArn(stateMachineArn).name(name).input(inputJson)).executionArn();
        } catch (ExecutionAlreadyExistsException e) {
            // Step Functions answers this for a closed execution of that name whatever its input, and
            // for an open one with another input; only the first is a retry of ours.
            String executionArn = "arn:" + arn.group(1) + ":states:" + arn.group(2) + ":" + arn.group(3)
                    + ":execution:" + arn.group(4) + ":" + name;
            DescribeExecutionResponse existing = describe(executionArn, e);
            if (existing.input() == null) {
                throw AwsErrors.reword(e, "execution " + name + " of " + stateMachineArn + " exists already and Step Functions"
                        + " does not show its input, so it cannot be told from a retry of this start (" + AwsErrors.describe(e) + ")");
            }
            if (!input.equals(parseOrNull(existing.input()))) {
                throw AwsErrors.reword(e, "execution " + name + " of " + stateMachineArn + " exists already with a different"
                        + " input; execution names are unique per state machine for 90 days, so it cannot be started again"
                        + " (" + AwsErrors.describe(e) + ")");
            }
            return Objects.requireNonNullElse(existing.executionArn(), executionArn);
        } catch (SdkException e) {
            throw AwsErrors.reword(e, "cannot start execution " + name + " of " + stateMachineArn + " (" + AwsErrors.describe(e) + ")");
        }
    }

    /**
     * Stops a running execution. Stopping one that has already ended (succeeded, failed, timed
     * out, aborted) does nothing.
     *
     * @param error a short error code for the execution's history (at most 256 characters), or null
     * @param cause a human explanation (at most 32768 characters), or null
     * @throws SdkException the execution does not exist (error code {@code ExecutionDoesNotExist}) or
     *                      could not be stopped
     */
    public void stopExecution(String executionArn, String error, String cause) {
        checkExecutionArn(executionArn);
        if (error != null && error.length() > MAX_ERROR_LENGTH) {
            throw new IllegalArgumentException("error must be at most " + MAX_ERROR_LENGTH + " characters, not " + error.length());
        }
        if (cause != null && cause.length() > MAX_CAUSE_LENGTH) {
            throw new IllegalArgumentException("cause must be at most " + MAX_CAUSE_LENGTH + " characters, not " + cause.length());
        }
        try {
            client.stopExecution(r -> r.executionArn(executionArn).error(error).cause(cause));
        } catch (SdkException e) {
            String code = AwsErrors.code(e);
            boolean clientError = e instanceof SfnException sfn && sfn.statusCode() / 100 == 4;
            boolean throttled = code != null && code.contains("Throttl");
            if (!clientError || throttled || "ExecutionDoesNotExist".equals(code) || "InvalidArn".equals(code)) {
                throw AwsErrors.reword(e, "cannot stop execution " + executionArn + " (" + AwsErrors.describe(e) + ")");
            }
            // Whatever Step Functions says to a stop of an ended execution, the execution's status settles it.
            ExecutionStatus status = describe(executionArn, e).status();
            if (OPEN.contains(status)) {
                throw AwsErrors.reword(e, "cannot stop execution " + executionArn + ", still " + status
                        + " (" + AwsErrors.describe(e) + ")");
            }
        }
    }

    /**
     * The execution's status: {@code RUNNING}, {@code SUCCEEDED}, {@code FAILED}, {@code TIMED_OUT},
     * {@code ABORTED} or {@code PENDING_REDRIVE}.
     *
     * @throws SdkException e.g. error code {@code ExecutionDoesNotExist}
     */
    public String executionStatus(String executionArn) {
        checkExecutionArn(executionArn);
        ExecutionStatus status = describe(executionArn, null).status();
        if (status == null || status == ExecutionStatus.UNKNOWN_TO_SDK_VERSION) {
            throw new IllegalStateException("DescribeExecution of " + executionArn + " answered without a known status");
        }
        return status.toString();
    }

    private DescribeExecutionResponse describe(String executionArn, SdkException whileHandling) {
        try {
            return client.describeExecution(r -> r.executionArn(executionArn));
        } catch (SdkException e) {
            SdkException explained = AwsErrors.reword(e, "cannot describe execution " + executionArn + " (" + AwsErrors.describe(e) + ")");
            if (whileHandling != null) {
                explained.addSuppressed(whileHandling);
            }
            throw explained;
        }
    }

    private static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("execution name must be 1 to " + MAX_NAME_LENGTH + " characters, not " + name.length());
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || NAME_FORBIDDEN.indexOf(c) >= 0) {
                throw new IllegalArgumentException("execution name " + name + " contains '" + (Character.isISOControl(c)
                        ? String.format("\\u%04x", (int) c) : String.valueOf(c)) + "' at " + i
                        + ", which Step Functions does not allow (no whitespace, brackets, wildcards or " + NAME_FORBIDDEN + ")");
            }
        }
    }

    private static void checkExecutionArn(String executionArn) {
        if (!EXECUTION_ARN.matcher(Objects.requireNonNull(executionArn, "executionArn")).matches()) {
            throw new IllegalArgumentException("not an execution ARN: " + executionArn);
        }
    }

    private static JsonNode parseInput(String inputJson) {
        Objects.requireNonNull(inputJson, "inputJson");
        int bytes = inputJson.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_INPUT_BYTES) {
            throw new IllegalArgumentException("execution input is " + bytes + " bytes; Step Functions takes at most " + MAX_INPUT_BYTES);
        }
        JsonNode input = parseOrNull(inputJson);
        if (input == null) {
            throw new IllegalArgumentException("execution input is not a JSON document");
        }
        return input;
    }

    private static JsonNode parseOrNull(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            return node == null || node.isMissingNode() ? null : node;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
