package dev.bakery.store.testing;

import dev.bakery.emulators.DynamoDbEmulator;
import dev.bakery.emulators.DynamoDbFront;
import dev.bakery.emulators.DynamoDbFront.ItemChange;
import dev.bakery.store.BakeryTable;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * dynalite in memory with the Bakery table created from {@link BakeryTable#definition}: the store's
 * engine in every module's tests, behind the same {@link DynamoDbFront} as in the local mode, on
 * 127.0.0.1 for other processes too (agents, the state machine's tasks) at {@link #endpoint}. The
 * front records every item change with its old and new image ({@link #changes}), from which tests
 * build the stream records DynamoDB would deliver. close() stops it.
 */
public final class LocalDynamo implements AutoCloseable {

    public static final String TABLE = "bakery-test";

    /** What clients sign with: dynalite and this fixture's front take any key. */
    public static final StaticCredentialsProvider KEYS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

    private final DynamoDbEmulator engine;
    private final DynamoDbFront front;
    private final DynamoDbClient client;
    private final List<ItemChange> changes = new ArrayList<>();
    private boolean closed;

    private LocalDynamo(DynamoDbEmulator engine) {
        this.engine = engine;
        this.front = DynamoDbFront.start(engine, (method, uri, headers, body) -> Optional.empty(),
                Set.of(BakeryTable.PK, BakeryTable.SK), this::record);
        this.client = newClient();
    }

    private void record(ItemChange change) {
        synchronized (changes) {
            changes.add(change);
        }
    }

    /** Every item change so far, in the order of the writes. */
    public List<ItemChange> changes() {
        synchronized (changes) {
            return List.copyOf(changes);
        }
    }

    public static LocalDynamo start() {
        DynamoDbEmulator engine = DynamoDbEmulator.inMemory();
        try {
            LocalDynamo dynamo = new LocalDynamo(engine);
            dynamo.client.createTable(BakeryTable.definition(TABLE));
            return dynamo;
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /** The client this fixture closes. */
    public DynamoDbClient client() {
        return client;
    }

    /** A new client, which the caller closes (dynalite takes any well-formed signature). */
    public DynamoDbClient newClient() {
        return DynamoDbEmulator.client(front.endpoint(), KEYS);
    }

    public URI endpoint() {
        return front.endpoint();
    }

    /** Stops it; again is harmless (a test may stop the store early to see a failure). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        client.close();
        front.close();
        engine.close();
    }
}
