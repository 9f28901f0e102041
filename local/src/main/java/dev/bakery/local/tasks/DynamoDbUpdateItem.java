package dev.bakery.local.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bakery.functions.aws.AwsCallException;
import dev.bakery.functions.aws.AwsJsonClient;
import dev.bakery.functions.aws.AwsService;
import dev.bakery.local.statemachine.ExecutionContext;
import dev.bakery.local.statemachine.TaskFailure;
import dev.bakery.local.statemachine.TaskHandler;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Step Functions' direct DynamoDB integration {@value #RESOURCE}, and the SDK integration {@value #QUERY}
 * the build state machine finds a build's tasks with, against a DynamoDB endpoint of ours (DynamoDB
 * Local): the state's Parameters are the request as is, the response its result, and errors carry the
 * integration's names, e.g. {@code DynamoDB.ConditionalCheckFailedException}.
 */
public final class DynamoDbUpdateItem implements TaskHandler {

    public static final String RESOURCE = "arn:aws:states:::dynamodb:updateItem";
    public static final String QUERY = "arn:aws:states:::aws-sdk:dynamodb:query";
    private static final AwsService DYNAMODB = new AwsService("dynamodb", "DynamoDB_20120810", "dynamodb", "1.0");
    /** The integration does not retry; the state's Retry field does. */
    private static final AwsJsonClient.Retry ONCE = new AwsJsonClient.Retry(1, Duration.ZERO, Duration.ZERO);

    private final AwsJsonClient dynamo;

    /** @param endpoint DynamoDB Local's (any credentials and region do) */
    public DynamoDbUpdateItem(URI endpoint) {
        this.dynamo = new AwsJsonClient(DYNAMODB, "us-east-1", endpoint,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")),
                AwsJsonClient.defaultHttpClient(), ONCE);
    }

    @Override
    public JsonNode handle(String stateName, String resource, JsonNode parameters, ExecutionContext context)
            throws TaskFailure {
        try {
            return dynamo.call(resource.equals(QUERY) ? "Query" : "UpdateItem", parameters);
        } catch (AwsCallException e) {
            if (e.status() == 0) {
                throw new TaskFailure("DynamoDB.SdkClientException", e.getMessage());
            }
            String code = e.errorType() == null ? "AmazonDynamoDBException" : e.errorType();
            // The shape of the integration's causes, e.g. "The conditional request failed (Service: ...)".
            throw new TaskFailure("DynamoDB." + code, (e.awsMessage() == null ? code : e.awsMessage())
                    + " (Service: AmazonDynamoDBv2; Status Code: " + e.status() + "; Error Code: " + code + ")");
        }
    }
}
