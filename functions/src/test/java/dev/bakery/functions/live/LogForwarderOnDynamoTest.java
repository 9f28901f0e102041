package dev.bakery.functions.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.testing.LoopbackAws;
import dev.bakery.core.live.LiveMessage;
import dev.bakery.core.live.LiveMessages;
import dev.bakery.store.testing.LocalDynamo;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The forwarder with the real pieces around it: subscriptions in dynalite, posts through the
 * signed PostToConnection client to a loopback API Gateway that answers 410 and 429 like AWS.
 */
class LogForwarderOnDynamoTest {

    private LocalDynamo dynamo;
    private LoopbackAws aws;
    private DynamoSubscriptions subscriptions;
    private LogForwarder forwarder;

    @BeforeEach
    void start() {
        dynamo = LocalDynamo.start();
        aws = LoopbackAws.start();
        subscriptions = new DynamoSubscriptions(dynamo.client(), LocalDynamo.TABLE, Clock.systemUTC());
        forwarder = new LogForwarder(subscriptions, new ApiGatewayConnections(aws.managementEndpoint(), LoopbackAws.clients(LoopbackAws.API_REGION)));
        Instant now = Instant.now();
        for (String connection : List.of("c-live", "c-gone")) {
            aws.connect(connection);
            subscriptions.connect(connection, "arn:aws:iam::111122223333:user/dev", now);
            subscriptions.subscribe("b-dyn", connection, now);
        }
    }

    @AfterEach
    void stop() {
        aws.close();
        dynamo.close();
    }

    @Test
    void aGoneConnectionLosesItsSubscriptionInDynamoDbAndThrottlingIsRetried() {
        aws.disconnect("c-gone");
        aws.throttlePosts(1);
        String payload = LogForwarderTest.data("agent/amd64", List.of(
                new LogForwarderTest.Event(LogForwarderTest.eventId(1),
                        LogForwarderTest.agentLine("b-dyn", "amd64", "amd64", "build", "info", "STEP 1/2: FROM scratch")),
                new LogForwarderTest.Event(LogForwarderTest.eventId(2),
                        LogForwarderTest.agentLine("b-dyn", "amd64", "amd64", "build", "info", "STEP 2/2: COPY . /"))));

        LogForwarder.Result result = forwarder.forward(payload);

        assertThat(result.goneRemoved()).isEqualTo(1);
        assertThat(subscriptions.subscribers("b-dyn")).containsExactly("c-live");
        List<String> frames = aws.postsTo("c-live");
        assertThat(frames).hasSize(1);
        LiveMessage.Log log = (LiveMessage.Log) LiveMessages.read(frames.getFirst());
        assertThat(log.buildId()).isEqualTo("b-dyn");
        assertThat(log.lines()).extracting(LiveMessage.Line::id)
                .containsExactly(LogForwarderTest.eventId(1), LogForwarderTest.eventId(2));
        assertThat(log.lines()).extracting(LiveMessage.Line::msg).containsExactly("STEP 1/2: FROM scratch", "STEP 2/2: COPY . /");
    }
}
