package dev.bakery.local.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.local.statemachine.ExecutionContext;
import dev.bakery.local.statemachine.TaskFailure;
import dev.bakery.local.statemachine.TaskHandler;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
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

    private static Map<String, AttributeValue> item(JsonNode json) throws TaskFailure {
        if (json == null) {
            return null;
        }
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        for (var field : json.properties()) {
            item.put(field.getKey(), value(field.getValue()));
        }
        return item;
    }

    /** One value in DynamoDB's JSON, e.g. {@code {"S": "x"}}. */
    private static AttributeValue value(JsonNode json) throws TaskFailure {
        if (json == null || !json.isObject() || json.size() != 1) {
            throw new TaskFailure("DynamoDB.ValidationException", "not an attribute value: " + json);
        }
        var entry = json.properties().iterator().next();
        JsonNode v = entry.getValue();
        return switch (entry.getKey()) {
            case "S" -> AttributeValue.fromS(v.asText());
            case "N" -> AttributeValue.fromN(v.asText());
            case "B" -> AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode(v.asText())));
            case "BOOL" -> AttributeValue.fromBool(v.asBoolean());
            case "NULL" -> AttributeValue.fromNul(v.asBoolean());
            case "SS" -> AttributeValue.fromSs(texts(v));
            case "NS" -> AttributeValue.fromNs(texts(v));
            case "BS" -> AttributeValue.fromBs(texts(v).stream()
                    .map(b -> SdkBytes.fromByteArray(Base64.getDecoder().decode(b))).toList());
            case "M" -> AttributeValue.fromM(item(v));
            case "L" -> {
                List<AttributeValue> list = new ArrayList<>();
                for (JsonNode element : v) {
                    list.add(value(element));
                }
                yield AttributeValue.fromL(list);
            }
            default -> throw new TaskFailure("DynamoDB.ValidationException", "unknown attribute value type " + entry.getKey());
        };
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(t -> texts.add(t.asText()));
        return texts;
    }

    private static ObjectNode json(Map<String, AttributeValue> item) {
        ObjectNode json = JSON.createObjectNode();
        item.forEach((name, value) -> json.set(name, json(value)));
        return json;
    }

    private static ObjectNode json(AttributeValue value) {
        ObjectNode json = JSON.createObjectNode();
        switch (value.type()) {
            case S -> json.put("S", value.s());
            case N -> json.put("N", value.n());
            case B -> json.put("B", Base64.getEncoder().encodeToString(value.b().asByteArray()));
            case BOOL -> json.put("BOOL", value.bool());
            case NUL -> json.put("NULL", true);
            case SS -> value.ss().forEach(json.putArray("SS")::add);
            case NS -> value.ns().forEach(json.putArray("NS")::add);
            case BS -> {
                ArrayNode bs = json.putArray("BS");
                value.bs().forEach(b -> bs.add(Base64.getEncoder().encodeToString(b.asByteArray())));
            }
            case M -> json.set("M", json(value.m()));
            case L -> {
                ArrayNode list = json.putArray("L");
                value.l().forEach(v -> list.add(json(v)));
            }
            default -> throw new IllegalStateException("DynamoDB answered an attribute of unknown type: " + value);
        }
        return json;
    }
}
