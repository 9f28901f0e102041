package dev.bakery.local.storage;

import dev.bakery.functions.store.BakeryTable;
import dev.bakery.local.LocalAws;
import dev.bakery.local.LocalKeys;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBRequestHandler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBServerHandler;

/**
 * DynamoDB Local, persisted in one SQLite file under a directory (one database for every access key
 * and region, as one AWS table is), served over HTTP on a free 127.0.0.1 port so that agent
 * processes reach it too. Its own server runner listens on every interface, so its request handler
 * is mounted on a Jetty connector of ours; telemetry is never started. The Bakery table is created
 * when missing.
 */
public final class DynamoDbServer implements AutoCloseable {

    private final Server jetty;
    private final LocalDynamoDBServerHandler handler;
    private final URI endpoint;
    private final DynamoDbClient client;
    private final DynamoDbStreamsClient streams;

    private DynamoDbServer(Path directory, LocalKeys keys) throws Exception {
        Files.createDirectories(directory);
        // (port unused, inMemory, dbPath, sharedDb, delayTransientStatuses)
        handler = new LocalDynamoDBServerHandler(
                new LocalDynamoDBRequestHandler(0, false, directory.toString(), true, false), null);
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        jetty.setHandler(handler);
        jetty.start();
        endpoint = URI.create("http://127.0.0.1:" + connector.getLocalPort());
        UrlConnectionHttpClient.Builder http = UrlConnectionHttpClient.builder();
        client = DynamoDbClient.builder().endpointOverride(endpoint).region(LocalAws.REGION).httpClient(http.build())
                .credentialsProvider(keys.provider()).build();
        streams = DynamoDbStreamsClient.builder().endpointOverride(endpoint).region(LocalAws.REGION)
                .httpClient(http.build()).credentialsProvider(keys.provider()).build();
        createTableIfMissing();
    }

    /** Starts it with its database file in {@code directory} (created if need be). */
    /** @param keys what its clients sign with (DynamoDB Local checks no signature) */
    public static DynamoDbServer start(Path directory, LocalKeys keys) {
        try {
            return new DynamoDbServer(directory, keys);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start DynamoDB Local in " + directory + ": " + e.getMessage(), e);
        }
    }

    private void createTableIfMissing() {
        // Listing, not DescribeTable: DynamoDB Local logs a stack trace for every missing table.
        if (!client.listTables().tableNames().contains(LocalAws.TABLE)) {
            client.createTable(BakeryTable.definition(LocalAws.TABLE));
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    public DynamoDbClient client() {
        return client;
    }

    /** DynamoDB Streams of the same database (the table streams NEW_AND_OLD_IMAGES). */
    public DynamoDbStreamsClient streams() {
        return streams;
    }

    @Override
    public void close() {
        client.close();
        streams.close();
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop DynamoDB Local", e);
        } finally {
            handler.close();
        }
    }
}
