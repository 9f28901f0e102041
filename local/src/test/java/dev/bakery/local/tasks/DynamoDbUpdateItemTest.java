package dev.bakery.local.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.store.testing.LocalDynamo;
import dev.bakery.local.statemachine.ExecutionContext;
import dev.bakery.local.statemachine.TaskFailure;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class DynamoDbUpdateItemTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ExecutionContext CONTEXT = new ExecutionContext() {
        @Override
        public String executionName() {
            return "b-ddb";
        }

        @Override
        public Optional<Duration> timeout() {
            return Optional.of(Duration.ofSeconds(60));
        }

        @Override
        public Optional<Duration> heartbeatTimeout() {
            return Optional.empty();
        }

        @Override
        public void heartbeat() {
        }
    };

    private static LocalDynamo dynamo;
    private static DynamoDbUpdateItem updateItem;

    @BeforeAll
    static void start() {
        dynamo = LocalDynamo.start();
        updateItem = new DynamoDbUpdateItem(dynamo.endpoint(), LocalDynamo.KEYS);
        try (DynamoDbClient client = dynamo.newClient()) {
            client.putItem(r -> r.tableName(LocalDynamo.TABLE).item(Map.of("pk", AttributeValue.fromS("BUILD#b-ddb"),
                    "sk", AttributeValue.fromS("META"), "status", AttributeValue.fromS("QUEUED"))));
        }
    }

    @AfterAll
    static void stop() {
        dynamo.close();
    }

    @Test
    void theParametersAreTheRequestAndTheResponseIsTheResult() throws Exception {
        JsonNode result = updateItem.handle("Mark", DynamoDbUpdateItem.RESOURCE, json("""
                {"TableName": "%s", "Key": {"pk": {"S": "BUILD#b-ddb"}, "sk": {"S": "META"}},
                 "UpdateExpression": "SET #s = :running", "ConditionExpression": "#s = :queued",
                 "ExpressionAttributeNames": {"#s": "status"},
                 "ExpressionAttributeValues": {":running": {"S": "RUNNING"}, ":queued": {"S": "QUEUED"}},
                 "ReturnValues": "UPDATED_NEW"}""".formatted(LocalDynamo.TABLE)), CONTEXT);

        assertThat(result).isEqualTo(json("{\"Attributes\": {\"status\": {\"S\": \"RUNNING\"}}}"));
    }

    @Test
    void aFailedConditionHasTheIntegrationsErrorName() {
        assertThatThrownBy(() -> updateItem.handle("Mark", DynamoDbUpdateItem.RESOURCE, json("""
                {"TableName": "%s", "Key": {"pk": {"S": "BUILD#b-ddb"}, "sk": {"S": "META"}},
                 "UpdateExpression": "SET #s = :x", "ConditionExpression": "#s = :never",
                 "ExpressionAttributeNames": {"#s": "status"},
                 "ExpressionAttributeValues": {":x": {"S": "X"}, ":never": {"S": "NEVER"}}}""".formatted(LocalDynamo.TABLE)),
                CONTEXT))
                .isInstanceOfSatisfying(TaskFailure.class, failure -> {
                    assertThat(failure.error()).isEqualTo("DynamoDB.ConditionalCheckFailedException");
                    assertThat(failure.cause()).isEqualTo("The conditional request failed (Service: AmazonDynamoDBv2;"
                            + " Status Code: 400; Error Code: ConditionalCheckFailedException)");
                });
    }

    @Test
    void aMissingTableAndAnUnreachableEndpointFailToo() throws Exception {
        assertThatThrownBy(() -> updateItem.handle("Mark", DynamoDbUpdateItem.RESOURCE, json("""
                {"TableName": "nope", "Key": {"pk": {"S": "x"}, "sk": {"S": "y"}}, "UpdateExpression": "SET a = :a",
                 "ExpressionAttributeValues": {":a": {"S": "1"}}}"""), CONTEXT))
                .isInstanceOfSatisfying(TaskFailure.class, failure ->
                        assertThat(failure.error()).isEqualTo("DynamoDB.ResourceNotFoundException"));
        DynamoDbUpdateItem nowhere = new DynamoDbUpdateItem(URI.create("http://127.0.0.1:9"), LocalDynamo.KEYS);
        assertThatThrownBy(() -> nowhere.handle("Mark", DynamoDbUpdateItem.RESOURCE, json("{}"), CONTEXT))
                .isInstanceOfSatisfying(TaskFailure.class, failure ->
                        assertThat(failure.error()).isEqualTo("DynamoDB.SdkClientException"));
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }
}
