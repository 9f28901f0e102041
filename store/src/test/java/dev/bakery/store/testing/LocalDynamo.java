package dev.bakery.store.testing;

import dev.bakery.store.BakeryTable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/**
 * DynamoDB Local's real engine, embedded: in memory, no port to bind, with the Bakery table
 * created from {@link BakeryTable#definition}. close() shuts it down.
 */
public final class LocalDynamo implements AutoCloseable {

    public static final String TABLE = "bakery-test";

    private final AmazonDynamoDBLocal engine;
    private final DynamoDbClient client;

    private LocalDynamo() {
        engine = DynamoDBEmbedded.create(true);
        client = engine.dynamoDbClient();
        client.createTable(BakeryTable.definition(TABLE));
    }

    public static LocalDynamo start() {
        return new LocalDynamo();
    }

    public DynamoDbClient client() {
        return client;
    }

    /**
     * A client of the engine's DynamoDB Streams API (the table has NEW_AND_OLD_IMAGES). Do not close
     * it: closing an embedded client shuts the whole engine down; {@link #close} does that.
     */
    public DynamoDbStreamsClient streamsClient() {
        return engine.dynamoDbStreamsClient();
    }

    @Override
    public void close() {
        client.close();
        engine.shutdown();
    }
}
