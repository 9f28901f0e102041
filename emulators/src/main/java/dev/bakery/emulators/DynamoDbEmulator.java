package dev.bakery.emulators;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBRequestHandler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBServerHandler;

/**
 * DynamoDB Local over HTTP on a free 127.0.0.1 port, so that other processes reach it too. Its own
 * server runner listens on every interface and has no host option, so its request handler is
 * mounted on a Jetty connector of ours; one database for every access key and region (as one AWS
 * table is), telemetry never started. It checks no signature: clients sign with any letters-and-digits
 * key. close() stops it.
 */
public final class DynamoDbEmulator implements AutoCloseable {

    /** What the clients sign for; DynamoDB Local serves any region. */
    public static final Region REGION = Region.US_EAST_1;
    private static final AwsCredentialsProvider ANY_KEY =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("emulator", "emulator"));

    private final Server jetty;
    private final LocalDynamoDBServerHandler handler;
    private final URI endpoint;

    private DynamoDbEmulator(Path directory) throws Exception {
        if (directory != null) {
            Files.createDirectories(directory);
        }
        // (port unused, inMemory, dbPath, sharedDb, delayTransientStatuses)
        handler = new LocalDynamoDBServerHandler(new LocalDynamoDBRequestHandler(0, directory == null,
                directory == null ? null : directory.toString(), true, false), null);
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        jetty.setHandler(handler);
        try {
            jetty.start();
        } catch (Exception e) {
            close();
            throw e;
        }
        endpoint = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    /** Tables in memory, gone at close(). */
    public static DynamoDbEmulator inMemory() {
        return start(null);
    }

    /** Tables in one SQLite file in {@code directory} (created if need be), kept after close(). */
    public static DynamoDbEmulator onDisk(Path directory) {
        return start(directory);
    }

    private static DynamoDbEmulator start(Path directory) {
        try {
            return new DynamoDbEmulator(directory);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start DynamoDB Local" + (directory == null ? "" : " in " + directory)
                    + ": " + e.getMessage(), e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** A new client of this server, which the caller closes. */
    public DynamoDbClient client(AwsCredentialsProvider credentials) {
        return DynamoDbClient.builder().endpointOverride(endpoint).region(REGION)
                .httpClient(UrlConnectionHttpClient.create()).credentialsProvider(credentials).build();
    }

    /** A new client of the same database's DynamoDB Streams, which the caller closes. */
    public DynamoDbStreamsClient streamsClient(AwsCredentialsProvider credentials) {
        return DynamoDbStreamsClient.builder().endpointOverride(endpoint).region(REGION)
                .httpClient(UrlConnectionHttpClient.create()).credentialsProvider(credentials).build();
    }

    /** Creates the table unless one of its name exists (kept from an earlier run on disk). */
    public void createTableIfMissing(CreateTableRequest table) {
        try (DynamoDbClient client = client(ANY_KEY)) {
            // Listing, not DescribeTable: DynamoDB Local logs a stack trace for every missing table.
            if (!client.listTables().tableNames().contains(table.tableName())) {
                client.createTable(table);
            }
        }
    }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop DynamoDB Local", e);
        } finally {
            handler.close();
        }
    }
}
