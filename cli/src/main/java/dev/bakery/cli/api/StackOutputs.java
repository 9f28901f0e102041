package dev.bakery.cli.api;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/** A CloudFormation stack's outputs, by CloudFormation's {@code DescribeStacks}. */
public final class StackOutputs {

    /** The outputs the CDK app defines for the CLI. */
    public static final String REST_API_URL = "RestApiUrl";
    public static final String WEBSOCKET_URL = "WebSocketUrl";

    private StackOutputs() {
    }

    /**
     * A CloudFormation client. The SDK reads {@code AWS_ENDPOINT_URL_CLOUDFORMATION} and
     * {@code AWS_ENDPOINT_URL} from the process's environment; the CLI's own environment
     * ({@code env}, which tests give) is honoured the same way.
     */
    public static CloudFormationClient client(AwsCredentialsProvider credentials, String region, Map<String, String> env) {
        var builder = CloudFormationClient.builder().region(Region.of(region)).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create());
        for (String name : new String[] {"AWS_ENDPOINT_URL_CLOUDFORMATION", "AWS_ENDPOINT_URL"}) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return builder.endpointOverride(URI.create(value)).build();
            }
        }
        return builder.build();
    }

    /**
     * The stack's outputs, and its status as {@code StackStatus}.
     *
     * @throws ApiException with CloudFormation's code and message (e.g. {@code ValidationError}: the stack does not exist)
     */
    public static Map<String, String> describe(CloudFormationClient cloudFormation, String stackName) {
        Stack stack;
        try {
            stack = cloudFormation.describeStacks(r -> r.stackName(stackName)).stacks().stream().findFirst()
                    .orElseThrow(() -> new ApiException(404, "ValidationError", "CloudFormation has no stack " + stackName, null));
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
            throw new ApiException(e.statusCode(), code != null ? code : "http_" + e.statusCode(),
                    "CloudFormation DescribeStacks " + stackName + ": " + (message != null ? message : "HTTP " + e.statusCode()), null);
        } catch (SdkClientException e) {
            throw new ApiException(0, "unreachable", "CloudFormation DescribeStacks " + stackName + " failed: " + e.getMessage(), null);
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        for (Output output : stack.outputs()) {
            outputs.put(output.outputKey(), output.outputValue());
        }
        outputs.put("StackStatus", stack.stackStatusAsString());
        return outputs;
    }
}
