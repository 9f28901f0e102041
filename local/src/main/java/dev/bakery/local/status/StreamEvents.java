package dev.bakery.local.status;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

/** DynamoDB Streams records (SDK v2 model) as the event Lambda's event source mapping would deliver. */
final class StreamEvents {

    private StreamEvents() {
    }

    static DynamodbEvent event(List<Record> records, String streamArn) {
        List<DynamodbEvent.DynamodbStreamRecord> converted = new ArrayList<>(records.size());
        for (Record record : records) {
            var stream = record.dynamodb();
            StreamRecord dynamodb = new StreamRecord().withKeys(image(stream.keys())).withNewImage(image(stream.newImage()))
                    .withOldImage(image(stream.oldImage())).withSequenceNumber(stream.sequenceNumber())
                    .withSizeBytes(stream.sizeBytes())
                    .withStreamViewType(StreamViewType.fromValue(stream.streamViewTypeAsString()));
            if (stream.approximateCreationDateTime() != null) {
                dynamodb.setApproximateCreationDateTime(Date.from(stream.approximateCreationDateTime()));
            }
            DynamodbEvent.DynamodbStreamRecord lambda = new DynamodbEvent.DynamodbStreamRecord();
            lambda.setEventID(record.eventID());
            lambda.setEventName(record.eventNameAsString());
            lambda.setEventSource("aws:dynamodb");
            lambda.setEventVersion(record.eventVersion());
            lambda.setAwsRegion(record.awsRegion());
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
        // The SDK answers an empty auto-construct map for an image the record does not have.
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
