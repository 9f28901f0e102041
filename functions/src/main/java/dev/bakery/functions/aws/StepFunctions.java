package dev.bakery.functions.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts, stops and reads Step Functions executions (STANDARD workflows) over {@link AwsJsonClient}.
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
    private static final Set<String> OPEN = Set.of("RUNNING", "PENDING_REDRIVE");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AwsJsonClient client;

    public StepFunctions(AwsJsonClient client) {
        if (!client.service().equals(AwsService.STEP_FUNCTIONS)) {
            throw new IllegalArgumentException("StepFunctions needs a Step Functions client, not " + client.service());
        }
        this.client = client;
    }

    /** Production wiring: the regional endpoint and the default credentials chain. */
    public static StepFunctions create(String region) {
        return new StepFunctions(AwsJsonClient.create(AwsService.STEP_FUNCTIONS, region));
    }

    /**
     * Starts an execution named {@code name} and returns its ARN. If an execution of that name
     * exists already with the same input (a retry of ours, possibly after it ended), its ARN is
     * returned and nothing new starts.
     *
     * @param inputJson a JSON document, at most 256 KiB
     * @throws IllegalArgumentException the ARN, name or input is malformed (nothing was sent)
     * @throws AwsCallException         Step Functions refused, e.g. errorType {@code ExecutionAlreadyExists}
     *                                  when an execution of that name has a different input
     */
    public String startExecution(String stateMachineArn, String name, String inputJson) {
        Matcher arn = STATE_MACHINE_ARN.matcher(Objects.requireNonNull(stateMachineArn, "stateMachineArn"));
        if (!arn.matches()) {
            throw new IllegalArgumentException("not a state machine ARN: " + stateMachineArn);
        }
        checkName(name);
        JsonNode input = parseInput(inputJson);

        ObjectNode request = JSON.createObjectNode()
                .put("stateMachineArn", stateMachineArn)
                .put("name", name)
                .put("input", inputJson);
        try {
            return text(client.call("StartExecution", request), "executionArn", "StartExecution");
        } catch (AwsCallException e) {
            if (!"ExecutionAlreadyExists".equals(e.errorType())) {
                throw new AwsCallException("cannot start execution " + name + " of " + stateMachineArn + " (" + e.awsError() + ")", e);
            }
            // Step Functions answers this for a closed execution of that name whatever its input, and
            // for an open one with another input; only the first is a retry of ours.
            String executionArn = "arn:" + arn.group(1) + ":states:" + arn.group(2) + ":" + arn.group(3)
                    + ":execution:" + arn.group(4) + ":" + name;
            JsonNode existing = describe(executionArn, e);
            JsonNode existingInput = existing.get("input");
            if (existingInput == null || !existingInput.isTextual()) {
                throw new AwsCallException("execution " + name + " of " + stateMachineArn + " exists already and Step Functions"
                        + " does not show its input, so it cannot be told from a retry of this start (" + e.awsError() + ")", e);
            }
            if (!input.equals(parseOrNull(existingInput.asText()))) {
                throw new AwsCallException("execution " + name + " of " + stateMachineArn + " exists already with a different"
                        + " input; execution names are unique per state machine for 90 days, so it cannot be started again"
                        + " (" + e.awsError() + ")", e);
            }
            return existing.path("executionArn").asText(executionArn);
        }
    }

    /**
     * Stops a running execution. Stopping one that has already ended (succeeded, failed, timed
     * out, aborted) does nothing.
     *
     * @param error a short error code for the execution's history (at most 256 characters), or null
     * @param cause a human explanation (at most 32768 characters), or null
     * @throws AwsCallException the execution does not exist (errorType {@code ExecutionDoesNotExist}) or
     *                          could not be stopped
     */
    public void stopExecution(String executionArn, String error, String cause) {
        checkExecutionArn(executionArn);
        ObjectNode request = JSON.createObjectNode().put("executionArn", executionArn);
        if (error != null) {
            if (error.length() > MAX_ERROR_LENGTH) {
                throw new IllegalArgumentException("error must be at most " + MAX_ERROR_LENGTH + " characters, not " + error.length());
            }
            request.put("error", error);
        }
        if (cause != null) {
            if (cause.length() > MAX_CAUSE_LENGTH) {
                throw new IllegalArgumentException("cause must be at most " + MAX_CAUSE_LENGTH + " characters, not " + cause.length());
            }
            request.put("cause", cause);
        }
        try {
            client.call("StopExecution", request);
        } catch (AwsCallException e) {
            boolean throttled = e.errorType() != null && e.errorType().contains("Throttl");
            if (e.status() / 100 != 4 || throttled || "ExecutionDoesNotExist".equals(e.errorType())
                    || "InvalidArn".equals(e.errorType())) {
                throw new AwsCallException("cannot stop execution " + executionArn + " (" + e.awsError() + ")", e);
            }
            // Whatever Step Functions says to a stop of an ended execution, the execution's status settles it.
            String status = describe(executionArn, e).path("status").asText();
            if (OPEN.contains(status)) {
                throw new AwsCallException("cannot stop execution " + executionArn + ", still " + status + " (" + e.awsError() + ")", e);
            }
        }
    }

    /**
     * The execution's status: {@code RUNNING}, {@code SUCCEEDED}, {@code FAILED}, {@code TIMED_OUT},
     * {@code ABORTED} or {@code PENDING_REDRIVE}.
     *
     * @throws AwsCallException e.g. errorType {@code ExecutionDoesNotExist}
     */
    public String executionStatus(String executionArn) {
        checkExecutionArn(executionArn);
        return text(describe(executionArn, null), "status", "DescribeExecution");
    }

    private JsonNode describe(String executionArn, AwsCallException whileHandling) {
        try {
            return client.call("DescribeExecution", JSON.createObjectNode().put("executionArn", executionArn));
        } catch (AwsCallException e) {
            AwsCallException explained = new AwsCallException("cannot describe execution " + executionArn + " (" + e.awsError() + ")", e);
            if (whileHandling != null) {
                explained.addSuppressed(whileHandling);
            }
            throw explained;
        }
    }

    private static String text(JsonNode response, String field, String operation) {
        JsonNode value = response.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new AwsCallException(AwsService.STEP_FUNCTIONS.targetPrefix() + "." + operation,
                    operation + " answered without " + field, null);
        }
        return value.asText();
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
