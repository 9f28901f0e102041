package dev.bakery.functions.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import dev.bakery.core.live.LiveMessage;
import dev.bakery.functions.live.StatusNotifier;
import dev.bakery.functions.live.InMemorySubscriptions;
import dev.bakery.functions.live.StatusNotifierTest.RecordingPoster;
import dev.bakery.functions.live.StreamChange;
import dev.bakery.store.BuildStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The Lambda events model of a stream record, turned into the SDK v2 model the notifier reads. */
class StatusNotifierHandlerTest {

    private static final String DIGEST = "sha256:" + "d".repeat(64);

    private static com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue s(String value) {
        return new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue().withS(value);
    }

    private static DynamodbEvent.DynamodbStreamRecord record(String eventName,
            Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> oldImage,
            Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> newImage) {
        DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
        record.setEventName(eventName);
        StreamRecord dynamodb = new StreamRecord();
        dynamodb.setOldImage(oldImage);
        dynamodb.setNewImage(newImage);
        record.setDynamodb(dynamodb);
        return record;
    }

    private static DynamodbEvent event(DynamodbEvent.DynamodbStreamRecord... records) {
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(List.of(records));
        return event;
    }

    @Test
    void convertsEveryAttributeTypeAndMissingImages() {
        var nested = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue()
                .withM(Map.of("git", s("abc123"), "n", new com.amazonaws.services.lambda.runtime.events.models.dynamodb
                        .AttributeValue().withN("7")));
        var newImage = Map.of(
                "pk", s("BUILD#b-1"),
                "expiresAt", new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue().withN("1795000000"),
                "interrupted", new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue().withBOOL(false),
                "labels", nested,
                "pushed", new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue()
                        .withL(List.of(s("r/app:1"), s("r/app:stable"))),
                "tags", new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue().withSS("a", "b"),
                "sizes", new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue().withNS("1", "2"),
                "blob", new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue()
                        .withB(ByteBuffer.wrap("hi".getBytes(StandardCharsets.UTF_8))),
                "blobs", new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue()
                        .withBS(ByteBuffer.wrap(new byte[] {1}), ByteBuffer.wrap(new byte[] {2, 3})),
                "nothing", new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue().withNULL(true));

        List<StreamChange> changes = StatusNotifierHandler.changes(event(
                record("INSERT", null, newImage),
                record("REMOVE", Map.of("pk", s("CONN#c1")), null)));

        assertThat(changes).hasSize(2);
        StreamChange insert = changes.get(0);
        assertThat(insert.eventName()).isEqualTo("INSERT");
        assertThat(insert.oldImage()).isEmpty();
        assertThat(insert.newImage()).isEqualTo(Map.of(
                "pk", AttributeValue.fromS("BUILD#b-1"),
                "expiresAt", AttributeValue.fromN("1795000000"),
                "interrupted", AttributeValue.fromBool(false),
                "labels", AttributeValue.fromM(Map.of("git", AttributeValue.fromS("abc123"), "n", AttributeValue.fromN("7"))),
                "pushed", AttributeValue.fromL(List.of(AttributeValue.fromS("r/app:1"), AttributeValue.fromS("r/app:stable"))),
                "tags", AttributeValue.fromSs(List.of("a", "b")),
                "sizes", AttributeValue.fromNs(List.of("1", "2")),
                "blob", AttributeValue.fromB(SdkBytes.fromUtf8String("hi")),
                "blobs", AttributeValue.fromBs(List.of(SdkBytes.fromByteArray(new byte[] {1}),
                        SdkBytes.fromByteArray(new byte[] {2, 3}))),
                "nothing", AttributeValue.fromNul(true)));
        assertThat(changes.get(1)).isEqualTo(new StreamChange("REMOVE", Map.of("pk", AttributeValue.fromS("CONN#c1")), null));
        assertThat(StatusNotifierHandler.changes(new DynamodbEvent())).isEmpty();
    }

    @Test
    void aTaskChangeInTheEventReachesTheBuildsSubscribers() {
        InMemorySubscriptions subscriptions = new InMemorySubscriptions();
        subscriptions.subscribe("b-1", "c1", Instant.EPOCH);
        RecordingPoster poster = new RecordingPoster();
        // A task change never reads the store (only a final build state does): no table needed.
        StatusNotifierHandler handler = new StatusNotifierHandler(new StatusNotifier(subscriptions, poster,
                new BuildStore(null, "unused", Clock.systemUTC())));
        var before = Map.of("pk", s("BUILD#b-1"), "sk", s("TASK#arm64"), "arch", s("arm64"), "status", s("RUNNING"));
        var after = Map.of("pk", s("BUILD#b-1"), "sk", s("TASK#arm64"), "arch", s("arm64"), "status", s("SUCCEEDED"),
                "imageDigest", s(DIGEST));

        handler.handleRequest(event(record("MODIFY", before, after)), null);

        assertThat(poster.received("c1")).containsExactly(new LiveMessage.Status("b-1", "SUCCEEDED", "arm64", "arm64", DIGEST));
    }
}
