package dev.bakery.k8s.activity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bakery.aws.AwsErrors;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.GetActivityTaskResponse;

/**
 * The activity worker's side of Step Functions. The client's socket timeout must exceed
 * GetActivityTask's 60 s long poll.
 */
public final class Activities {

    /** What Step Functions answers for a token whose task is over: stopped execution, timeout, or never known. */
    private static final Set<String> GONE = Set.of("TaskTimedOut", "TaskDoesNotExist", "InvalidToken");
    private static final int MAX_ERROR = 256;
    private static final int MAX_CAUSE = 32_768;

    private final SfnClient client;

    public Activities(SfnClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * Waits up to a minute for a task of {@code activityArn}.
     *
     * @return empty when none came
     * @throws SdkException Step Functions refused (e.g. ActivityDoesNotExist) or could not be reached
     */
    public Optional<ActivityTask> poll(String activityArn, String workerName) {
        GetActivityTaskResponse answer;
        try {
            answer = client.getActivityTask(r -> r.activityArn(activityArn).workerName(workerName));
        } catch (SdkException e) {
            throw AwsErrors.reword(e, "GetActivityTask of " + activityArn + " failed (" + AwsErrors.describe(e) + ")");
        }
        String token = Objects.requireNonNullElse(answer.taskToken(), "");
        return token.isEmpty() ? Optional.empty()
                : Optional.of(new ActivityTask(token, Objects.requireNonNullElse(answer.input(), "{}")));
    }

    /**
     * @return false when the task is over for Step Functions (the execution was stopped or the task timed out)
     * @throws SdkException any other failure: the task may still be alive
     */
    public boolean heartbeat(String token) {
        return send("SendTaskHeartbeat", () -> client.sendTaskHeartbeat(r -> r.taskToken(token)));
    }

    /** @return false when the task was already over: the result came too late */
    public boolean succeed(String token, JsonNode output) {
        return send("SendTaskSuccess", () -> client.sendTaskSuccess(r -> r.taskToken(token).output(output.toString())));
    }

    /**
     * @param error a short code the state machine's Catch and Retry match, e.g. {@code Bakery.ImagePullFailed}
     * @param cause the sentence a user reads in the execution history
     * @return false when the task was already over
     */
    public boolean fail(String token, String error, String cause) {
        return send("SendTaskFailure", () -> client.sendTaskFailure(r -> r.taskToken(token).error(cut(error, MAX_ERROR)).cause(cut(cause, MAX_CAUSE))));
    }

    private static boolean send(String operation, Supplier<?> call) {
        try {
            call.get();
            return true;
        } catch (SdkException e) {
            String code = AwsErrors.code(e);
            if (code != null && GONE.contains(code)) {
                return false;
            }
            throw AwsErrors.reword(e, operation + " failed (" + AwsErrors.describe(e) + ")");
        }
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}
