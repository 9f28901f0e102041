package dev.bakery.functions.aws;

import dev.bakery.testing.LoopbackAws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

class LogEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GROUP = "/bakery/agent";
    private static final String AMD64 = "agent/amd64/task-1";
    private static final String ARM64 = "agent/arm64/task-2";

    private final LoopbackAws aws = LoopbackAws.start();
    private final LogEvents logs = new LogEvents(aws.logs("eu-west-1"));

    @AfterEach
    void stop() {
        aws.close();
    }

    private static String line(String buildId, String arch, long ts, String msg) {
        return "{\"ts\":" + ts + ",\"buildId\":\"" + buildId + "\",\"taskId\":\"t-" + arch + "\",\"arch\":\"" + arch
                + "\",\"step\":\"build\",\"level\":\"info\",\"msg\":\"" + msg + "\"}";
    }

    @BeforeEach
    void agentLines() {
        // The arm64 line at 3000 is ingested first, so its eventId is the smaller one.
        aws.logEvent(GROUP, ARM64, 3000, line("b-1", "arm64", 3000, "arm step 2"))
                .logEvent(GROUP, AMD64, 1000, line("b-1", "amd64", 1000, "amd step 1"))
                .logEvent(GROUP, ARM64, 2000, line("b-1", "arm64", 2000, "arm step 1"))
                .logEvent(GROUP, AMD64, 3000, line("b-1", "amd64", 3000, "amd step 2"))
                .logEvent(GROUP, AMD64, 5000, line("b-1", "amd64", 5000, "amd step 3"))
                .logEvent(GROUP, ARM64, 6000, line("b-1", "arm64", 6000, "arm step 3"))
                .logEvent(GROUP, "agent/amd64/task-9", 2500, line("b-2", "amd64", 2500, "another build"))
                .logEvent(GROUP, AMD64, 4000, "plain text mentioning b-1")
                .logEvent(GROUP, AMD64, 4500, "{\"buildId\":1,\"msg\":\"not a string id\"}");
    }

    private static List<String> messages(LogEvents.Page page) {
        return page.events().stream().map(e -> JSON.createObjectNode().textNode(e.message()).asText())
                .map(m -> m.replaceAll(".*\"msg\":\"([^\"]*)\".*", "$1")).toList();
    }

    @Test
    void findsTheBuildsLinesInTimeOrderAcrossStreams() throws Exception {
        LogEvents.Page page = logs.filterByBuild(GROUP, "b-1", 0, null, 100);

        assertThat(messages(page)).containsExactly("amd step 1", "arm step 1", "arm step 2", "amd step 2", "amd step 3", "arm step 3");
        assertThat(page.events()).extracting(LogEvents.Event::timestamp).containsExactly(1000L, 2000L, 3000L, 3000L, 5000L, 6000L);
        assertThat(page.events().get(0)).satisfies(e -> {
            assertThat(e.logStream()).isEqualTo(AMD64);
            assertThat(e.eventId()).hasSize(56);
            assertThat(e.message()).isEqualTo(line("b-1", "amd64", 1000, "amd step 1"));
        });
        assertThat(page.nextToken()).isNull();
        assertThat(aws.calls()).singleElement().satisfies(call -> {
            assertThat(call.service()).isEqualTo("logs");
            assertThat(call.target()).isEqualTo("Logs_20140328.FilterLogEvents");
            assertThat(call.body()).isEqualTo(JSON.readTree("{\"logGroupName\":\"" + GROUP
                    + "\",\"filterPattern\":\"{ $.buildId = \\\"b-1\\\" }\",\"startTime\":0,\"limit\":100}"));
        });
    }

    @Test
    void pagesFollowTheNextToken() {
        LogEvents.Page first = logs.filterByBuild(GROUP, "b-1", 0, null, 4);

        // The fake answers stream by stream (amd64's three lines, then arm64's first): sorted here.
        assertThat(messages(first)).containsExactly("amd step 1", "arm step 1", "amd step 2", "amd step 3");
        assertThat(first.nextToken()).isNotBlank();

        LogEvents.Page second = logs.filterByBuild(GROUP, "b-1", 0, first.nextToken(), 4);

        assertThat(messages(second)).containsExactly("arm step 2", "arm step 3");
        assertThat(second.nextToken()).isNull();
        assertThat(aws.bodies("FilterLogEvents")).hasSize(2).last()
                .satisfies(body -> assertThat(body.path("nextToken").asText()).isEqualTo(first.nextToken()));

        List<LogEvents.Event> all = new ArrayList<>(first.events());
        all.addAll(second.events());
        assertThat(all).extracting(LogEvents.Event::eventId).doesNotHaveDuplicates().hasSize(6);
    }

    @Test
    void sinceLeavesOutOlderLines() {
        LogEvents.Page page = logs.filterByBuild(GROUP, "b-1", 3000, null, 100);

        assertThat(messages(page)).containsExactly("arm step 2", "amd step 2", "amd step 3", "arm step 3");
        assertThat(aws.bodies("FilterLogEvents")).singleElement()
                .satisfies(body -> assertThat(body.path("startTime").asLong()).isEqualTo(3000));
    }

    @Test
    void anotherBuildSeesOnlyItsOwnLines() {
        assertThat(messages(logs.filterByBuild(GROUP, "b-2", 0, null, 100))).containsExactly("another build");
        assertThat(logs.filterByBuild(GROUP, "b-3", 0, null, 100).events()).isEmpty();
    }

    /** The bridge's stream names its build: a line there claiming another build is not replayed as that build's. */
    @Test
    void aLineClaimingAnotherBuildInAStreamThatNamesItsOwnIsNotReplayed() {
        aws.logEvent(GROUP, dev.bakery.core.log.LogStreams.k8s("b-3", "bakery-amd64-0123456789"), 7000,
                line("b-2", "amd64", 7000, "forged"));
        assertThat(messages(logs.filterByBuild(GROUP, "b-2", 0, null, 100))).containsExactly("another build");
    }

    @Test
    void aBuildIdThatWouldChangeTheFilterPatternIsRefused() {
        assertThatThrownBy(() -> logs.filterByBuild(GROUP, "b-1\" || $.level = \"error", 0, null, 100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("build id must be 1 to 128 characters of letters, digits, _ and -, not \"b-1\\\" || $.level = \\\"error\"");
        for (String bad : List.of("", "b 1", "b*", "b-1\"", "b}", "b\n1")) {
            assertThatThrownBy(() -> logs.filterByBuild(GROUP, bad, 0, null, 100)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(aws.calls()).isEmpty();
    }

    @Test
    void otherMalformedArgumentsAreRefusedBeforeAnyCall() {
        assertThatThrownBy(() -> logs.filterByBuild(GROUP, "b-1", 0, null, 0)).hasMessage("limit must be 1 to 10000, not 0");
        assertThatThrownBy(() -> logs.filterByBuild(GROUP, "b-1", 0, null, 10_001)).hasMessage("limit must be 1 to 10000, not 10001");
        assertThatThrownBy(() -> logs.filterByBuild(GROUP, "b-1", -1, null, 10)).hasMessage("since must be epoch milliseconds, not -1");
        assertThatThrownBy(() -> logs.filterByBuild(GROUP, "b-1", 0, "", 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> logs.filterByBuild("bad group", "b-1", 0, null, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThat(aws.calls()).isEmpty();
    }

    @Test
    void aMissingLogGroupIsNamed() {
        assertThatThrownBy(() -> logs.filterByBuild("/bakery/nope", "b-1", 0, null, 10))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFoundException"))
                .hasMessageStartingWith("cannot read the logs of build b-1 from log group /bakery/nope: the log group does not exist"
                        + " (ResourceNotFoundException: The specified log group does not exist.)");
    }

    @Test
    void aTokenOnlyContinuesItsOwnQuery() {
        String token = logs.filterByBuild(GROUP, "b-1", 0, null, 2).nextToken();

        assertThatThrownBy(() -> logs.filterByBuild(GROUP, "b-2", 0, token, 2))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterException"));
    }
}
