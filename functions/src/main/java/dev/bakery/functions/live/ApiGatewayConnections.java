package dev.bakery.functions.live;

import dev.bakery.aws.AwsClients;
import dev.bakery.aws.AwsErrors;
import java.net.URI;
import java.util.Objects;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;

/**
 * API Gateway's PostToConnection through the SDK's management API client. 410 Gone is
 * {@link ConnectionGoneException}; throttling, 5xx and unreachable endpoints are retried by the SDK's
 * retry strategy; 403 names the missing {@code execute-api:ManageConnections} permission; anything
 * else is the SDK's exception, reworded to name the connection.
 */
public final class ApiGatewayConnections implements ConnectionPoster {

    /** What IAM must allow the function: {@code Allow execute-api:ManageConnections on arn:aws:execute-api:...:api-id/stage/POST/@connections/*}. */
    public static final String PERMISSION = "execute-api:ManageConnections";

    private final String base;
    private final ApiGatewayManagementApiClient client;

    /**
     * @param endpoint the WebSocket API's management endpoint,
     *                 {@code https://{api-id}.execute-api.{region}.amazonaws.com/{stage}} (a {@code wss://}
     *                 URL of the same API is accepted and turned into {@code https://})
     */
    public ApiGatewayConnections(URI endpoint, AwsClients aws) {
        this.base = base(Objects.requireNonNull(endpoint, "endpoint"));
        this.client = aws.configure(ApiGatewayManagementApiClient.builder()).endpointOverride(URI.create(base)).build();
    }

    private static String base(URI endpoint) {
        String scheme = endpoint.getScheme();
        if (scheme == null || endpoint.getRawAuthority() == null) {
            throw new IllegalArgumentException("the WebSocket management endpoint must be an absolute URL, got " + endpoint);
        }
        if (endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
            throw new IllegalArgumentException("the WebSocket management endpoint takes no query or fragment: " + endpoint);
        }
        String s = switch (scheme.toLowerCase(java.util.Locale.ROOT)) {
            case "https", "wss" -> "https";
            case "http", "ws" -> "http"; // loopback tests only
            default -> throw new IllegalArgumentException("the WebSocket management endpoint must be https://, got " + endpoint);
        };
        String path = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return s + "://" + endpoint.getRawAuthority() + path;
    }

    @Override
    public void post(String connectionId, String text) {
        if (connectionId == null || connectionId.isEmpty()) {
            throw new IllegalArgumentException("no connection id");
        }
        try {
            client.postToConnection(r -> r.connectionId(connectionId).data(SdkBytes.fromUtf8String(text)));
        } catch (GoneException e) {
            throw new ConnectionGoneException(connectionId);
        } catch (AwsServiceException e) {
            if (e.statusCode() == 403) {
                throw AwsErrors.reword(e, "PostToConnection to " + connectionId + " was refused (" + AwsErrors.describe(e)
                        + "): the function's role needs " + PERMISSION + " on this API's stage (" + base
                        + "/@connections/*), and the credentials must be valid");
            }
            throw AwsErrors.reword(e, "PostToConnection to " + connectionId + " failed" + tries(e) + " ("
                    + AwsErrors.describe(e) + ")" + (e.isThrottlingException() ? ": API Gateway kept throttling" : ""));
        } catch (SdkException e) {
            throw AwsErrors.reword(e, "PostToConnection to " + connectionId + " failed" + tries(e) + ": cannot reach " + base
                    + " (" + e.getMessage() + ")");
        }
    }

    private static String tries(SdkException e) {
        Integer attempts = e.numAttempts();
        return attempts == null || attempts < 2 ? "" : " after " + attempts + " tries";
    }
}
