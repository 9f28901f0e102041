package dev.bakery.functions.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.testing.LoopbackAws;
import dev.bakery.core.live.LiveMessage;
import dev.bakery.core.live.LiveMessages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LogForwarderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");

    private LoopbackAws aws;
    private InMemorySubscriptions subscriptions;
    private LogForwarder forwarder;

    @BeforeEach
    void start() {
        aws = LoopbackAws.start();
        subscriptions = new InMemorySubscriptions();
        forwarder = new LogForwarder(subscriptions, new ApiGatewayConnections(aws.managementEndpoint(), LoopbackAws.clients(LoopbackAws.API_REGION)));
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    // ---- payloads as CloudWatch Logs sends them ----

    static String agentLine(String buildId, String taskId, String arch, String step, String level, String msg) {
        ObjectNode line = JSON.createObjectNode();
        line.put("ts", "2025-06-01T10:00:01.250Z");
        line.put("buildId", buildId);
        line.put("taskId", taskId);
        line.put("arch", arch);
        line.put("step", step);
        line.put("level", level);
        line.put("msg", msg);
        return line.toString();
    }

    /** A 56-digit event id as CloudWatch makes them. */
    static String eventId(int n) {
        return "3819598392841625390412307912479816291239981265129" + String.format("%07d", n);
    }

    record Event(String id, String message) {
    }

    static String data(String logStream, List<Event> events) {
        ObjectNode payload = JSON.createObjectNode();
        payload.put("messageType", "DATA_MESSAGE");
        payload.put("owner", "111122223333");
        payload.put("logGroup", "/bakery/agents");
        payload.put("logStream", logStream);
        payload.putArray("subscriptionFilters").add("bakery-live-logs");
        ArrayNode logEvents = payload.putArray("logEvents");
        long ts = NOW.toEpochMilli();
        for (Event e : events) {
            logEvents.addObject().put("id", e.id()).put("timestamp", ts++).put("message", e.message());
        }
        return gzipBase64(payload.toString());
    }

    private static String gzipBase64(String json) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    private static final String CONTROL = gzipBase64("""
            {"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"",\
            "subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1748772000000,\
            "message":"CWL CONTROL MESSAGE: Checking health of destination Lambda function."}]}""");

    private static LiveMessage.Line line(String id, String taskId, String arch, String step, String level, String msg) {
        return new LiveMessage.Line(id, "2025-06-01T10:00:01.250Z", taskId, arch, step, level, msg);
    }

    private void subscribe(String buildId, String... connections) {
        for (String c : connections) {
            subscriptions.subscribe(buildId, c, NOW);
        }
    }

    // ---- tests ----

    @Test
    void eachConnectionGetsExactlyTheLinesOfItsBuilds() {
        aws.connect("c1", "c2", "c3");
        subscribe("b-1", "c1", "c2");
        subscribe("b-2", "c2", "c3");
        String data = data("agent/bakery-agent/0f1e2d3c", List.of(
                new Event(eventId(1), agentLine("b-1", "t-amd64", "amd64", "context", "info", "context started")),
                new Event(eventId(2), agentLine("b-2", "t-arm64", "arm64", "build", "info", "STEP 1/4: FROM alpine")),
                new Event(eventId(3), "Picked up JAVA_TOOL_OPTIONS: -XX:+UseSerialGC"),
                new Event(eventId(4), agentLine("b-1", "t-amd64", "amd64", "build", "warn", "quotes \" and \\ and\ttabs, ünïcode ✓")),
                new Event(eventId(5), agentLine("b-3", "t-amd64", "amd64", "build", "info", "nobody follows b-3")),
                new Event(eventId(6), "{\"ts\":\"2025-06-01T10:00:02Z\",\"level\":\"info\",\"msg\":\"no build id\"}"),
                new Event(eventId(7), agentLine("b-2", "t-arm64", "arm64", "build", "error", "build failed: exit 1")),
                new Event(eventId(8), agentLine("b-1", "t-amd64", "amd64", "build", "info", "pushed sha256:abc"))));

        LogForwarder.Result result = forwarder.forward(data);

        assertThat(result).isEqualTo(new LogForwarder.Result(6, 2, 4, 0));
        assertThat(subscriptions.lookups()).isEqualTo(3); // once per build, b-3 included
        String b1 = LiveMessages.write(new LiveMessage.Log("b-1", List.of(
                line(eventId(1), "t-amd64", "amd64", "context", "info", "context started"),
                line(eventId(4), "t-amd64", "amd64", "build", "warn", "quotes \" and \\ and\ttabs, ünïcode ✓"),
                line(eventId(8), "t-amd64", "amd64", "build", "info", "pushed sha256:abc"))));
        String b2 = LiveMessages.write(new LiveMessage.Log("b-2", List.of(
                line(eventId(2), "t-arm64", "arm64", "build", "info", "STEP 1/4: FROM alpine"),
                line(eventId(7), "t-arm64", "arm64", "build", "error", "build failed: exit 1"))));
        assertThat(aws.postsByConnection()).isEqualTo(Map.of(
                "c1", List.of(b1),
                "c2", List.of(b1, b2),
                "c3", List.of(b2)));
        // The wire text, spelled out once: what the CLI parses.
        assertThat(aws.postsTo("c3").get(0)).isEqualTo("{\"type\":\"log\",\"buildId\":\"b-2\",\"lines\":["
                + "{\"id\":\"" + eventId(2) + "\",\"ts\":\"2025-06-01T10:00:01.250Z\",\"taskId\":\"t-arm64\",\"arch\":\"arm64\","
                + "\"step\":\"build\",\"level\":\"info\",\"msg\":\"STEP 1/4: FROM alpine\"},"
                + "{\"id\":\"" + eventId(7) + "\",\"ts\":\"2025-06-01T10:00:01.250Z\",\"taskId\":\"t-arm64\",\"arch\":\"arm64\","
                + "\"step\":\"build\",\"level\":\"error\",\"msg\":\"build failed: exit 1\"}]}");
    }

    /** The bridge's stream names its build: a line there claiming another build reaches nobody following that one. */
    @Test
    void aStreamThatNamesItsBuildGivesNoLineToAnother() {
        aws.connect("c1", "c2");
        subscribe("b-1", "c1");
        subscribe("b-victim", "c2");
        LogForwarder.Result result = forwarder.forward(data(dev.bakery.core.log.LogStreams.k8s("b-1", "bakery-amd64-0123456789"),
                List.of(new Event(eventId(1), agentLine("b-1", "t", "amd64", "build", "info", "mine")),
                        new Event(eventId(2), agentLine("b-victim", "t", "amd64", "build", "info", "forged")))));

        assertThat(result).isEqualTo(new LogForwarder.Result(1, 1, 1, 0));
        assertThat(aws.postsByConnection()).containsOnlyKeys("c1");
    }

    @Test
    void aControlMessageIsIgnored() {
        aws.connect("c1");
        subscribe("b-1", "c1");
        assertThat(forwarder.forward(CONTROL)).isEqualTo(new LogForwarder.Result(0, 0, 0, 0));
        assertThat(aws.postRequests()).isZero();
        assertThat(subscriptions.lookups()).isZero();
    }

    @Test
    void onlyBadLinesMeansNothingPosted() {
        aws.connect("c1");
        subscribe("b-1", "c1");
        LogForwarder.Result result = forwarder.forward(data("s", List.of(
                new Event(eventId(1), "not json at all"),
                new Event(eventId(2), "{\"buildId\": \"b-1\", broken"),
                new Event(eventId(3), "[\"b-1\"]"),
                new Event(eventId(4), "{\"buildId\": 42.5e}"),
                new Event(eventId(5), "{\"buildId\": \"\"}"),
                new Event(eventId(6), "{\"buildId\": \"b-1\"} trailing"))));
        assertThat(result).isEqualTo(new LogForwarder.Result(0, 6, 0, 0));
        assertThat(aws.postRequests()).isZero();
    }

    @Test
    void aGoneConnectionLosesItsSubscriptionsAndTheOthersStillGetTheirLines() {
        aws.connect("c1", "c2", "c3");
        subscribe("b-1", "c1", "c2");
        subscribe("b-2", "c2", "c3");
        aws.disconnect("c2"); // closed its socket without $disconnect reaching us yet
        String data = data("s", List.of(
                new Event(eventId(1), agentLine("b-1", "t", "amd64", "build", "info", "one")),
                new Event(eventId(2), agentLine("b-2", "t", "amd64", "build", "info", "two"))));

        LogForwarder.Result result = forwarder.forward(data);

        assertThat(result).isEqualTo(new LogForwarder.Result(2, 0, 2, 2));
        assertThat(subscriptions.subscribers("b-1")).containsExactly("c1");
        assertThat(subscriptions.subscribers("b-2")).containsExactly("c3");
        assertThat(aws.posts()).extracting(LoopbackAws.Post::connectionId).containsExactly("c1", "c3");
        assertThat(aws.postRequests()).isEqualTo(3); // c2 was asked once: gone for b-1 means gone for b-2
        // Next payload: nobody posts to c2 any more.
        forwarder.forward(data);
        assertThat(aws.postRequests()).isEqualTo(5);
    }

    @Test
    void fiveThousandLinesOfOneBuildGoOutInFramesUnder128KiB() {
        aws.connect("c1");
        subscribe("b-big", "c1");
        List<Event> events = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            String msg = "#" + i + " " + (i % 7 == 0 ? "ünïcödé ✓ \"quoted\" \\ " : "") + "x".repeat(80 + i % 200);
            events.add(new Event(eventId(i), agentLine("b-big", "t-amd64", "amd64", "build", "info", msg)));
            ids.add(eventId(i));
        }

        LogForwarder.Result result = forwarder.forward(data("s", events));

        List<String> frames = aws.postsTo("c1");
        assertThat(frames).hasSizeGreaterThan(5);
        assertThat(result).isEqualTo(new LogForwarder.Result(5_000, 0, frames.size(), 0));
        List<String> received = new ArrayList<>();
        for (String frame : frames) {
            assertThat(frame.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(ConnectionPoster.MAX_FRAME_BYTES);
            LiveMessage.Log log = (LiveMessage.Log) LiveMessages.read(frame);
            assertThat(log.buildId()).isEqualTo("b-big");
            log.lines().forEach(l -> received.add(l.id()));
        }
        assertThat(received).isEqualTo(ids);
        // Frames are filled, not just split: all but the last are close to the limit.
        for (String frame : frames.subList(0, frames.size() - 1)) {
            assertThat(frame.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(ConnectionPoster.MAX_FRAME_BYTES - 2_000);
        }
    }

    @Test
    void aLineLargerThanAFrameIsCutWithAMarkerNotDropped() {
        aws.connect("c1");
        subscribe("b-1", "c1");
        String huge = "é".repeat(100_000) + "\u0001".repeat(10_000) + "tail";
        forwarder.forward(data("s", List.of(
                new Event(eventId(1), agentLine("b-1", "t", "amd64", "build", "info", "before")),
                new Event(eventId(2), agentLine("b-1", "t", "amd64", "build", "info", huge)),
                new Event(eventId(3), agentLine("b-1", "t", "amd64", "build", "info", "after")))));

        List<LiveMessage.Line> lines = new ArrayList<>();
        for (String frame : aws.postsTo("c1")) {
            assertThat(frame.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(ConnectionPoster.MAX_FRAME_BYTES);
            lines.addAll(((LiveMessage.Log) LiveMessages.read(frame)).lines());
        }
        assertThat(lines).extracting(LiveMessage.Line::id).containsExactly(eventId(1), eventId(2), eventId(3));
        LiveMessage.Line cut = lines.get(1);
        assertThat(cut.msg()).startsWith("éééé").endsWith("[truncated by bakery: the line had " + huge.length() + " characters]");
        assertThat(cut.msg().length()).isLessThan(huge.length());
        assertThat(cut.step()).isEqualTo("build");
        // The cut line fills its frame nearly to the limit (the search finds the longest prefix that fits).
        String frameOfCut = aws.postsTo("c1").stream().filter(f -> f.contains(eventId(2))).findFirst().orElseThrow();
        assertThat(frameOfCut.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(ConnectionPoster.MAX_FRAME_BYTES - 10);
    }

    @Test
    void aConnectionThatKeepsFailingDoesNotStopTheOthersAndTheFailureIsReported() {
        List<String> delivered = new ArrayList<>();
        ConnectionPoster flaky = (connection, text) -> {
            if (connection.equals("bad")) {
                throw new IllegalStateException("throttled beyond the retries");
            }
            delivered.add(connection + " " + ((LiveMessage.Log) LiveMessages.read(text)).buildId());
        };
        subscribe("b-1", "bad", "c1");
        subscribe("b-2", "c2");
        LogForwarder local = new LogForwarder(subscriptions, flaky);
        String data = data("s", List.of(
                new Event(eventId(1), agentLine("b-1", "t", "amd64", "build", "info", "one")),
                new Event(eventId(2), agentLine("b-2", "t", "amd64", "build", "info", "two"))));

        assertThatThrownBy(() -> local.forward(data)).isInstanceOf(IllegalStateException.class)
                .hasMessage("throttled beyond the retries");
        assertThat(delivered).containsExactly("c1 b-1", "c2 b-2");
        assertThat(subscriptions.subscribers("b-1")).containsExactly("bad", "c1"); // not gone: kept
    }

    @Test
    void framesRespectASmallerLimitToo() {
        List<String> frames = new ArrayList<>();
        subscribe("b-1", "c1");
        LogForwarder small = new LogForwarder(subscriptions, (c, text) -> frames.add(text), 2_048);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            events.add(new Event(eventId(i), agentLine("b-1", "t", "amd64", "build", "info", "line " + i + " " + "y".repeat(i * 3))));
        }
        LogForwarder.Result result = small.forward(data("s", events));
        assertThat(result.messagesPosted()).isEqualTo(frames.size());
        assertThat(frames).allSatisfy(f -> assertThat(f.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(2_048));
        assertThat(frames.stream().mapToInt(f -> ((LiveMessage.Log) LiveMessages.read(f)).lines().size()).sum()).isEqualTo(100);
    }

    @Test
    void aPayloadThatIsNotTheSubscriptionFormatIsRefused() {
        assertThatThrownBy(() -> forwarder.forward("not base64 !!")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("base64");
        String notGzip = Base64.getEncoder().encodeToString("{}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> forwarder.forward(notGzip)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gzip");
        assertThatThrownBy(() -> forwarder.forward(gzipBase64("[1,2]"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JSON object");
        assertThatThrownBy(() -> forwarder.forward(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
