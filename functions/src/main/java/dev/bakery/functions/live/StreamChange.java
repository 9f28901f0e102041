package dev.bakery.functions.live;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * One DynamoDB stream record of the table, as the notifier needs it: what happened to the item
 * and its images (the table's stream is NEW_AND_OLD_IMAGES). An absent image is an empty map: no
 * old image for an INSERT, no new image for a REMOVE.
 *
 * @param eventName INSERT, MODIFY or REMOVE
 */
public record StreamChange(String eventName, Map<String, AttributeValue> oldImage, Map<String, AttributeValue> newImage) {

    public static final String INSERT = "INSERT";
    public static final String MODIFY = "MODIFY";
    public static final String REMOVE = "REMOVE";

    public StreamChange {
        oldImage = oldImage == null ? Map.of() : Map.copyOf(oldImage);
        newImage = newImage == null ? Map.of() : Map.copyOf(newImage);
    }

    /** A record as the DynamoDB Streams API ({@code GetRecords}) returns it. */
    public static StreamChange of(Record record) {
        var dynamodb = record.dynamodb();
        return new StreamChange(record.eventNameAsString(),
                dynamodb != null && dynamodb.hasOldImage() ? dynamodb.oldImage() : null,
                dynamodb != null && dynamodb.hasNewImage() ? dynamodb.newImage() : null);
    }
}
