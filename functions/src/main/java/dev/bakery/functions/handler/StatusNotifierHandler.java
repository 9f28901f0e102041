package dev.bakery.functions.handler;

import dev.bakery.core.Environment;
import dev.bakery.functions.wiring.AwsEdges;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import dev.bakery.functions.live.StatusNotifier;
import dev.bakery.functions.live.StreamChange;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * The table's stream handler: build and task changes become {@code status} and {@code done}
 * messages for the build's WebSocket subscribers. Translation only: {@link StatusNotifier} does the
 * work. Clients are built once, in the constructor, so SnapStart snapshots them.
 */
public final class StatusNotifierHandler implements RequestHandler<DynamodbEvent, Void> {

    static {
        TlsTrustWarmUp.start(); // first: the rest of this class's initialisation runs meanwhile
    }

    private final StatusNotifier notifier;

    /** Lambda's constructor: reads {@code TABLE_NAME}, {@code AWS_REGION} and {@code WEBSOCKET_ENDPOINT}. */
    public StatusNotifierHandler() {
        this(AwsEdges.controlPlane(Environment.system()).statusNotifier());
    }

    public StatusNotifierHandler(StatusNotifier notifier) {
        this.notifier = notifier;
    }

    @Override
    public Void handleRequest(DynamodbEvent event, Context context) {
        List<StreamChange> changes = changes(event);
        if (context == null) {
            notifier.handle(changes);
            return null;
        }
        return PowertoolsLogging.withLogging(context, () -> {
            notifier.handle(changes);
            return null;
        });
    }

    /** The event's records, in order, in the SDK v2 model the rest of the code speaks. */
    static List<StreamChange> changes(DynamodbEvent event) {
        List<StreamChange> changes = new ArrayList<>();
        if (event == null || event.getRecords() == null) {
            return changes;
        }
        for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
            StreamRecord dynamodb = record.getDynamodb();
            changes.add(new StreamChange(record.getEventName(), dynamodb == null ? null : image(dynamodb.getOldImage()),
                    dynamodb == null ? null : image(dynamodb.getNewImage())));
        }
        return changes;
    }

    static Map<String, AttributeValue> image(
            Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image) {
        if (image == null) {
            return null;
        }
        Map<String, AttributeValue> converted = new LinkedHashMap<>();
        image.forEach((name, value) -> converted.put(name, attribute(value)));
        return converted;
    }

    /** One value of the Lambda events model as an SDK v2 value; the set field decides its type. */
    static AttributeValue attribute(com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue value) {
        if (value.getS() != null) {
            return AttributeValue.fromS(value.getS());
        }
        if (value.getN() != null) {
            return AttributeValue.fromN(value.getN());
        }
        if (value.getB() != null) {
            return AttributeValue.fromB(bytes(value.getB()));
        }
        if (value.getSS() != null) {
            return AttributeValue.fromSs(value.getSS());
        }
        if (value.getNS() != null) {
            return AttributeValue.fromNs(value.getNS());
        }
        if (value.getBS() != null) {
            return AttributeValue.fromBs(value.getBS().stream().map(StatusNotifierHandler::bytes).toList());
        }
        if (value.getM() != null) {
            return AttributeValue.fromM(image(value.getM()));
        }
        if (value.getL() != null) {
            return AttributeValue.fromL(value.getL().stream().map(StatusNotifierHandler::attribute).toList());
        }
        if (value.getBOOL() != null) {
            return AttributeValue.fromBool(value.getBOOL());
        }
        if (Boolean.TRUE.equals(value.getNULL())) {
            return AttributeValue.fromNul(true);
        }
        return AttributeValue.builder().build(); // a type this model does not know: nothing to read from it
    }

    private static SdkBytes bytes(ByteBuffer buffer) {
        return SdkBytes.fromByteBuffer(buffer.asReadOnlyBuffer());
    }
}
