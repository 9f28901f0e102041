package dev.bakery.functions.handler;

import dev.bakery.core.Environment;
import dev.bakery.functions.wiring.AwsEdges;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.CloudWatchLogsEvent;
import dev.bakery.functions.live.InMemorySubscriptions;
import dev.bakery.functions.live.LogForwarder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class LogForwarderHandlerTest {

    @Test
    void passesTheAwslogsDataToTheForwarder() throws IOException {
        InMemorySubscriptions subscriptions = new InMemorySubscriptions();
        subscriptions.subscribe("b-1", "c1", Instant.now());
        List<String> posted = new ArrayList<>();
        LogForwarderHandler handler = new LogForwarderHandler(new LogForwarder(subscriptions, (c, text) -> posted.add(c)));
        String json = """
                {"messageType":"DATA_MESSAGE","owner":"111122223333","logGroup":"/bakery/agents","logStream":"s",
                 "subscriptionFilters":["f"],"logEvents":[{"id":"1","timestamp":1,
                 "message":"{\\"buildId\\":\\"b-1\\",\\"msg\\":\\"hi\\"}"}]}""";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(json.getBytes(StandardCharsets.UTF_8));
        }
        CloudWatchLogsEvent event = new CloudWatchLogsEvent().withAwsLogs(
                new CloudWatchLogsEvent.AWSLogs().withData(Base64.getEncoder().encodeToString(bytes.toByteArray())));

        assertThat(handler.handleRequest(event, null)).isEqualTo(new LogForwarder.Result(1, 0, 1, 0));
        assertThat(posted).containsExactly("c1");
    }

    @Test
    void refusesAnEventWithoutAwslogs() {
        LogForwarderHandler handler = new LogForwarderHandler(new LogForwarder(new InMemorySubscriptions(), (c, t) -> { }));
        assertThatThrownBy(() -> handler.handleRequest(new CloudWatchLogsEvent(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("awslogs");
    }

    @Test
    void namesAMissingEnvironmentVariable() {
        assertThatThrownBy(() -> AwsEdges.controlPlane(new Environment(Map.of("TABLE_NAME", "t", "AWS_REGION", "eu-central-1"))).logForwarder())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("WEBSOCKET_ENDPOINT");
    }
}
