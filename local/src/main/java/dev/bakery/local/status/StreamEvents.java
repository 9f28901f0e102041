package dev.bakery.local.status;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType;
import dev.bakery.emulators.DynamoDbFront.ItemChange;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Item changes as the event a Lambda's DynamoDB stream event source mapping would deliver. */
final class StreamEvents {

    private StreamEvents() {
    }

    /**
     * @param keyAttributes the table's key attribute names
     * @param firstSequence the sequence number of the first change (they count up, as in a shard)
     */
    static DynamodbEvent event(List<ItemChange> changes, String streamArn, String region, Set<String> keyAttributes,
            long firstSequence) {
        List<DynamodbEvent.DynamodbStreamRecord> converted = new ArrayList<>(changes.size());
        long sequence = firstSequence;
        for (ItemChange change : changes) {
            Map<String, AttributeValue> keys = new LinkedHashMap<>();
            Map<String, AttributeValue> any = change.newImage().isEmpty() ? change.oldImage() : change.newImage();
            keyAttributes.forEach(name -> {
                if (any.containsKey(name)) {
                    keys.put(name, any.get(name));
                }
            });
            StreamRecord dynamodb = new StreamRecord().withKeys(image(keys)).withNewImage(image(change.newImage()))
                    .withOldImage(image(change.oldImage())).withSequenceNumber(Long.toString(sequence))
                    .withStreamViewType(StreamViewType.NEW_AND_OLD_IMAGES);
            dynamodb.setApproximateCreationDateTime(new Date());
            DynamodbEvent.DynamodbStreamRecord lambda = new DynamodbEvent.DynamodbStreamRecord();
            lambda.setEventID(Long.toString(sequence++));
            lambda.setEventName(change.eventName());
            lambda.setEventSource("aws:dynamodb");
            lambda.setEventVersion("1.1");
            lambda.setAwsRegion(region);
            lambda.setEventSourceARN(streamArn);
            lambda.setDynamodb(dynamodb);
            converted.add(lambda);
        }
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(converted);
        return event;
    }

    private static Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image(
            Map<String, AttributeValue> image) {
        // A record has no old image for an INSERT and no new one for a REMOVE.
        if (image == null || image.isEmpty()) {
            return null;
        }
        Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> converted =
                new LinkedHashMap<>();
        image.forEach((name, value) -> converted.put(name, attribute(value)));
        return converted;
    }

    private static com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue attribute(AttributeValue v) {
        var out = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
        switch (v.type()) {
            case S -> out.setS(v.s());
            case N -> out.setN(v.n());
            case B -> out.setB(v.b().asByteBuffer());
            case SS -> out.setSS(v.ss());
            case NS -> out.setNS(v.ns());
            case BS -> out.setBS(v.bs().stream().map(SdkBytes::asByteBuffer).toList());
            case M -> out.setM(image(v.m()) == null ? Map.of() : image(v.m()));
            case L -> out.setL(v.l().stream().map(StreamEvents::attribute).toList());
            case BOOL -> out.setBOOL(v.bool());
            case NUL -> out.setNULL(true);
            default -> {
                // UNKNOWN_TO_SDK_VERSION: nothing to carry
            }
        }
        return out;
    }
}
