package dev.bakery.functions.testing;

import dev.bakery.functions.store.BakeryTable;
import java.net.URI;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBRequestHandler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBServerHandler;

/**
 * DynamoDB Local over HTTP for other processes, bound to 127.0.0.1 only. Its own server runner
 * listens on every interface and has no host option, so its request handler is mounted on a Jetty
 * connector of ours; in-memory, one database for every access key and region (as one AWS table is),
 * telemetry never started.
 */
public final class LocalDynamoServer implements AutoCloseable {

    private final Server jetty;
    private final LocalDynamoDBServerHandler handler;
    private final URI endpoint;

    private LocalDynamoServer() throws Exception {
        handler = new LocalDynamoDBServerHandler(new LocalDynamoDBRequestHandler(0, true, null, true, false), null);
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        jetty.setHandler(handler);
        jetty.start();
        endpoint = URI.create("http://127.0.0.1:" + connector.getLocalPort());
        try (DynamoDbClient client = client()) {
            client.createTable(BakeryTable.definition(LocalDynamo.TABLE));
        }
    }

    public static LocalDynamoServer start() {
        try {
            return new LocalDynamoServer();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start DynamoDB Local on loopback: " + e, e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** A client of this server (any credentials do). */
    public DynamoDbClient client() {
        return DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build();
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
