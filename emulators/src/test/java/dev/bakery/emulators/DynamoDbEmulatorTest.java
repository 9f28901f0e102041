package dev.bakery.emulators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** dynalite on loopback: one database for every key, kept in LevelDB across restarts. */
class DynamoDbEmulatorTest {

    private static final CreateTableRequest TABLE = CreateTableRequest.builder().tableName("things")
            .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
            .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
            .billingMode(BillingMode.PAY_PER_REQUEST).build();

    @TempDir
    Path dir;

    private static AwsCredentialsProvider keys(String id) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(id, "secret"));
    }

    @Test
    void onDiskKeepsTablesAcrossRestartsForEveryKey() {
        try (DynamoDbEmulator dynamo = DynamoDbEmulator.onDisk(dir.resolve("db"));
                DynamoDbClient client = dynamo.client(keys("first"))) {
            assertThat(dynamo.endpoint().getHost()).isEqualTo("127.0.0.1");
            DynamoDbEmulator.createTableIfMissing(client, TABLE);
            client.putItem(r -> r.tableName("things").item(Map.of("pk", AttributeValue.fromS("kept"))));
        }
        try (DynamoDbEmulator dynamo = DynamoDbEmulator.onDisk(dir.resolve("db"));
                DynamoDbClient client = dynamo.client(keys("second"))) {
            DynamoDbEmulator.createTableIfMissing(client, TABLE);
            assertThat(client.getItem(r -> r.tableName("things").key(Map.of("pk", AttributeValue.fromS("kept"))))
                    .item()).containsEntry("pk", AttributeValue.fromS("kept"));
        }
    }

    @Test
    void inMemoryStartsEmptyAndHasNoTransactions() {
        try (DynamoDbEmulator dynamo = DynamoDbEmulator.inMemory(); DynamoDbClient client = dynamo.client(keys("any"))) {
            assertThat(client.listTables().tableNames()).isEmpty();
            DynamoDbEmulator.createTableIfMissing(client, TABLE);
            // Why the store needs no transaction: the engine answers none (docs/architecture.md, Data).
            assertThatThrownBy(() -> client.transactWriteItems(r -> r.transactItems(t -> t.put(p -> p.tableName("things")
                    .item(Map.of("pk", AttributeValue.fromS("x")))))))
                    .hasMessageContaining("UnknownOperationException");
        }
    }

    @Test
    void endsWhenStopped() {
        DynamoDbEmulator dynamo = DynamoDbEmulator.inMemory();
        ProcessHandle child = ProcessHandle.of(dynamo.pid()).orElseThrow();
        dynamo.close();
        assertThat(child.isAlive()).isFalse();
    }
}
