package dev.bakery.k8s.activity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.testing.LoopbackAws;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/** The activity worker's calls as the loopback Step Functions (with SigV4 checks) receives them. */
class ActivitiesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LoopbackAws aws = LoopbackAws.start().activityPollWait(Duration.ofMillis(50));
    private final String activity = aws.activity("eu-west-1", "bakery-k8s");
    private final Activities activities = new Activities(aws.sfn("eu-west-1"));

    @AfterEach
    void stop() {
        aws.close();
    }

    @Test
    void aLongPollWithoutATaskGivesNothing() {
        assertThat(activities.poll(activity, "bridge-0")).isEmpty();
        assertThat(aws.calls()).singleElement().satisfies(call -> {
            assertThat(call.target()).isEqualTo("AWSStepFunctions.GetActivityTask");
            assertThat(call.body().path("activityArn").asText()).isEqualTo(activity);
            assertThat(call.body().path("workerName").asText()).isEqualTo("bridge-0");
        });
    }

    @Test
    void aScheduledTaskComesWithItsTokenAndInput() {
        String token = aws.scheduleActivityTask(activity, "{\"buildId\":\"b-1\",\"taskId\":\"arm64\"}");

        ActivityTask task = activities.poll(activity, "bridge-0").orElseThrow();

        assertThat(task.token()).isEqualTo(token);
        assertThat(task.input()).isEqualTo("{\"buildId\":\"b-1\",\"taskId\":\"arm64\"}");
    }

    @Test
    void successAndFailureCarryTheOutputAndTheCodeWithItsCause() throws Exception {
        String ok = aws.scheduleActivityTask(activity, "{}");
        String bad = aws.scheduleActivityTask(activity, "{}");

        assertThat(activities.succeed(ok, JSON.readTree("{\"taskId\":\"arm64\",\"status\":\"SUCCEEDED\"}"))).isTrue();
        assertThat(activities.fail(bad, "Bakery.TaskFailed", "x".repeat(40_000))).isTrue();

        assertThat(aws.activityTask(ok).output()).isEqualTo("{\"taskId\":\"arm64\",\"status\":\"SUCCEEDED\"}");
        assertThat(aws.activityTask(bad).error()).isEqualTo("Bakery.TaskFailed");
        assertThat(aws.activityTask(bad).cause()).hasSize(32_768).endsWith("...");
    }

    @Test
    void aTaskThatIsOverIsToldApartFromAFailedCall() {
        String timedOut = aws.scheduleActivityTask(activity, "{}");
        String forgotten = aws.scheduleActivityTask(activity, "{}");
        aws.endActivityTask(timedOut, "TIMED_OUT").endActivityTask(forgotten, "GONE");

        assertThat(activities.heartbeat(timedOut)).isFalse();
        assertThat(activities.heartbeat(forgotten)).isFalse();
        assertThat(activities.heartbeat("not-a-token")).isFalse();
        assertThat(activities.succeed(timedOut, JSON.createObjectNode())).isFalse();

        String alive = aws.scheduleActivityTask(activity, "{}");
        assertThat(activities.heartbeat(alive)).isTrue();
        aws.failNext(3);
        assertThatThrownBy(() -> activities.heartbeat(alive)).isInstanceOf(SdkException.class)
                .satisfies(e -> assertThat(((AwsServiceException) e).statusCode()).isEqualTo(500));
    }

    @Test
    void anUnknownActivityIsAnError() {
        assertThatThrownBy(() -> activities.poll("arn:aws:states:eu-west-1:111122223333:activity:nope", "bridge-0"))
                .isInstanceOf(SdkException.class).hasMessageContaining("ActivityDoesNotExist");
    }
}
