package dev.bakery.local.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.emulators.DynamoJson;
import dev.bakery.local.statemachine.ExecutionContext;
import dev.bakery.local.statemachine.TaskFailure;
import dev.bakery.local.statemachine.TaskHandler;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Step Functions' direct DynamoDB integration {@value #RESOURCE}, and the SDK integration {@value #QUERY}
 * the build state machine finds a build's tasks with, against a DynamoDB endpoint of ours: the state's
 * Parameters are the request in DynamoDB's JSON, the response its result, and errors carry the
 * integration's names, e.g. {@code DynamoDB.ConditionalCheckFailedException}.
 */
public final class DynamoDbUpdateItem implements TaskHandler {

    public static final String RESOURCE = "arn:aws:states:::dynamodb:updateItem";
    public static final String QUERY = "arn:aws:states:::aws-sdk:dynamodb:query";
    private static final Set<String> PARAMETERS = Set.of("TableName", "Key", "UpdateExpression", "ConditionExpression",
            "ExpressionAttributeNames", "ExpressionAttributeValues", "ReturnValues");
    private static final Set<String> QUERY_PARAMETERS = Set.of("TableName", "KeyConditionExpression",
            "ExpressionAttributeNames", "ExpressionAttributeValues", "ProjectionExpression", "ConsistentRead");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbClient dynamo;

    /** @param endpoint the local store's, which takes requests signed with {@code credentials} */
    public DynamoDbUpdateItem(URI endpoint, AwsCredentialsProvider credentials) {
        // The integration does not retry; the state's Retry field does.
        this.dynamo = DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    @Override
    public JsonNode handle(String stateName, String resource, JsonNode parameters, ExecutionContext context)
            throws TaskFailure {
        try {
            return resource.equals(QUERY) ? query(parameters) : updateItem(parameters);
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
                    ? "AmazonDynamoDBException" : e.awsErrorDetails().errorCode();
            String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
            // The shape of the integration's causes, e.g. "The conditional request failed (Service: ...)".
            throw new TaskFailure("DynamoDB." + code, (message == null ? code : message)
                    + " (Service: AmazonDynamoDBv2; Status Code: " + e.statusCode() + "; Error Code: " + code + ")");
        } catch (SdkClientException e) {
            throw new TaskFailure("DynamoDB.SdkClientException", e.getMessage());
        }
    }

    private JsonNode updateItem(JsonNode parameters) throws TaskFailure {
        UpdateItemResponse response = dynamo.updateItem(request(parameters));
        ObjectNode result = JSON.createObjectNode();
        if (response.hasAttributes()) {
            result.set("Attributes", json(response.attributes()));
        }
        return result;
    }

    /** One page only: the build's tasks are a handful of small items. */
    private JsonNode query(JsonNode parameters) throws TaskFailure {
        onlyKnown(parameters, QUERY_PARAMETERS);
        QueryRequest.Builder request = QueryRequest.builder()
                .tableName(parameters.path("TableName").asText(null))
                .keyConditionExpression(parameters.path("KeyConditionExpression").asText(null))
                .projectionExpression(parameters.path("ProjectionExpression").asText(null))
                .expressionAttributeNames(names(parameters))
                .expressionAttributeValues(item(parameters.get("ExpressionAttributeValues")));
        if (parameters.has("ConsistentRead")) {
            request.consistentRead(parameters.get("ConsistentRead").asBoolean());
        }
        QueryResponse response = dynamo.query(request.build());
        ObjectNode result = JSON.createObjectNode();
        ArrayNode items = result.putArray("Items");
        response.items().forEach(item -> items.add(json(item)));
        result.put("Count", response.count());
        result.put("ScannedCount", response.scannedCount());
        return result;
    }

    private static void onlyKnown(JsonNode parameters, Set<String> known) throws TaskFailure {
        for (var names = parameters.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new TaskFailure("DynamoDB.ValidationException", "parameter " + name + " is not supported here");
            }
        }
    }

    private static Map<String, String> names(JsonNode parameters) {
        if (!parameters.has("ExpressionAttributeNames")) {
            return null;
        }
        Map<String, String> names = new LinkedHashMap<>();
        parameters.get("ExpressionAttributeNames").properties().forEach(e -> names.put(e.getKey(), e.getValue().asText()));
        return names;
    }

    private static UpdateItemRequest request(JsonNode parameters) throws TaskFailure {
        onlyKnown(parameters, PARAMETERS);
        UpdateItemRequest.Builder request = UpdateItemRequest.builder()
                .tableName(parameters.path("TableName").asText(null))
                .key(item(parameters.get("Key")))
                .updateExpression(parameters.path("UpdateExpression").asText(null))
                .conditionExpression(parameters.path("ConditionExpression").asText(null))
                .returnValues(parameters.path("ReturnValues").asText(null));
        request.expressionAttributeNames(names(parameters));
        if (parameters.has("ExpressionAttributeValues")) {
            request.expressionAttributeValues(item(parameters.get("ExpressionAttributeValues")));
        }
        return request.build();
    }

    /** DynamoDB's JSON as the SDK's values; a malformed one is the integration's validation error. */
    private static Map<String, AttributeValue> item(JsonNode json) throws TaskFailure {
        try {
            return DynamoJson.item(json);
        } catch (IllegalArgumentException e) {
            throw new TaskFailure("DynamoDB.ValidationException", e.getMessage());
        }
    }

    private static ObjectNode json(Map<String, AttributeValue> item) {
        return DynamoJson.json(item);
    }
}
