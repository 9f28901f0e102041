package dev.bakery.k8s.activity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.functions.aws.AwsCallException;
import dev.bakery.functions.aws.AwsJsonClient;
import dev.bakery.functions.aws.AwsService;
import java.util.Optional;
import java.util.Set;

/**
 * The activity worker's side of Step Functions over {@link AwsJsonClient} (the SDK's sfn client does
 * not resolve here). The client's socket timeout must exceed GetActivityTask's 60 s long poll.
 */
public final class Activities {

    /** What Step Functions answers for a token whose task is over: stopped execution, timeout, or never known. */
    private static final Set<String> GONE = Set.of("TaskTimedOut", "TaskDoesNotExist", "InvalidToken");
    private static final int MAX_ERROR = 256;
    private static final int MAX_CAUSE = 32_768;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AwsJsonClient client;

    public Activities(AwsJsonClient client) {
        if (!client.service().equals(AwsService.STEP_FUNCTIONS)) {
            throw new IllegalArgumentException("Activities needs a Step Functions client, not " + client.service());
        }
        this.client = client;
    }

    /**
     * Waits up to a minute for a task of {@code activityArn}.
     *
     * @return empty when none came
     * @throws AwsCallException Step Functions refused (e.g. ActivityDoesNotExist) or could not be reached
     */
    public Optional<ActivityTask> poll(String activityArn, String workerName) {
        JsonNode answer = client.call("GetActivityTask",
                JSON.createObjectNode().put("activityArn", activityArn).put("workerName", workerName));
        String token = answer.path("taskToken").asText("");
        return token.isEmpty() ? Optional.empty() : Optional.of(new ActivityTask(token, answer.path("input").asText("{}")));
    }

    /**
     * @return false when the task is over for Step Functions (the execution was stopped or the task timed out)
     * @throws AwsCallException any other failure: the task may still be alive
     */
    public boolean heartbeat(String token) {
        return send("SendTaskHeartbeat", JSON.createObjectNode().put("taskToken", token));
    }

    /** @return false when the task was already over: the result came too late */
    public boolean succeed(String token, JsonNode output) {
        return send("SendTaskSuccess", JSON.createObjectNode().put("taskToken", token).put("output", output.toString()));
    }

    /**
     * @param error a short code the state machine's Catch and Retry match, e.g. {@code Bakery.ImagePullFailed}
     * @param cause the sentence a user reads in the execution history
     * @return false when the task was already over
     */
    public boolean fail(String token, String error, String cause) {
        return send("SendTaskFailure", JSON.createObjectNode().put("taskToken", token)
                .put("error", cut(error, MAX_ERROR)).put("cause", cut(cause, MAX_CAUSE)));
    }

    private boolean send(String operation, JsonNode request) {
        try {
            client.call(operation, request);
            return true;
        } catch (AwsCallException e) {
            if (e.errorType() != null && GONE.contains(e.errorType())) {
                return false;
            }
            throw e;
        }
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}
