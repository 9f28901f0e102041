package dev.bakery.store.testing;

import dev.bakery.emulators.DynamoDbEmulator;
import dev.bakery.store.BakeryTable;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local over HTTP for other processes, bound to 127.0.0.1 only, in memory, with the Bakery
 * table {@link LocalDynamo#TABLE}; close() stops it.
 */
public final class LocalDynamoServer implements AutoCloseable {

    private final DynamoDbEmulator dynamo;

    private LocalDynamoServer(DynamoDbEmulator dynamo) {
        this.dynamo = dynamo;
    }

    public static LocalDynamoServer start() {
        DynamoDbEmulator dynamo = DynamoDbEmulator.inMemory();
        try {
            dynamo.createTableIfMissing(BakeryTable.definition(LocalDynamo.TABLE));
        } catch (RuntimeException e) {
            dynamo.close();
            throw e;
        }
        return new LocalDynamoServer(dynamo);
    }

    public URI endpoint() {
        return dynamo.endpoint();
    }

    /** A new client of this server, which the caller closes (any credentials do). */
    public DynamoDbClient client() {
        return dynamo.client(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
    }

    @Override
    public void close() {
        dynamo.close();
    }
}
