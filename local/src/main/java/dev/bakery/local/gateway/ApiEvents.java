package dev.bakery.local.gateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import dev.bakery.local.LocalAws;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The events API Gateway would hand the Lambda handlers, built from local requests: the REST API's
 * resources (as CDK declares them) with their path parameters, and the WebSocket API's routes
 * (route selection {@code $request.body.action}). Every request carries the local principal.
 */
final class ApiEvents {

    static final String STAGE = "local";
    /** The REST API's resources; a path matching none keeps its own path, and the API answers 404. */
    private static final List<String> RESOURCES = List.of("/contexts", "/builds", "/builds/{id}", "/builds/{id}/logs");
    /** WebSocket routes that exist besides $connect, $disconnect and $default. */
    private static final List<String> ROUTES = List.of("subscribe", "unsubscribe");

    private ApiEvents() {
    }

    static APIGatewayProxyRequestEvent rest(String method, String path, Map<String, String> query,
            Map<String, String> headers, String body) {
        String resource = path;
        Map<String, String> pathParameters = null;
        for (String candidate : RESOURCES) {
            Map<String, String> matched = match(candidate, path);
            if (matched != null) {
                resource = candidate;
                pathParameters = matched.isEmpty() ? null : matched;
                break;
            }
        }
        var identity = new APIGatewayProxyRequestEvent.RequestIdentity().withUserArn(LocalAws.PRINCIPAL)
                .withAccountId(LocalAws.ACCOUNT).withSourceIp("127.0.0.1");
        var context = new APIGatewayProxyRequestEvent.ProxyRequestContext().withIdentity(identity)
                .withRequestId(UUID.randomUUID().toString()).withResourcePath(resource).withHttpMethod(method)
                .withStage(STAGE).withAccountId(LocalAws.ACCOUNT).withPath(path);
        // API Gateway passes null, not an empty map, when there are none.
        return new APIGatewayProxyRequestEvent().withHttpMethod(method).withPath(path).withResource(resource)
                .withPathParameters(pathParameters).withQueryStringParameters(query.isEmpty() ? null : query)
                .withHeaders(headers).withBody(body).withIsBase64Encoded(false).withRequestContext(context);
    }

    /** The template's parameters when the path fits it, else null. */
    static Map<String, String> match(String template, String path) {
        String[] want = template.split("/", -1);
        String[] got = path.split("/", -1);
        if (want.length != got.length) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < want.length; i++) {
            if (want[i].startsWith("{") && want[i].endsWith("}")) {
                if (got[i].isEmpty()) {
                    return null;
                }
                parameters.put(want[i].substring(1, want[i].length() - 1), got[i]);
            } else if (!want[i].equals(got[i])) {
                return null;
            }
        }
        return parameters;
    }

    static APIGatewayV2WebSocketEvent connect(String connectionId) {
        return webSocket(connectionId, "$connect", "CONNECT", null);
    }

    static APIGatewayV2WebSocketEvent disconnect(String connectionId) {
        return webSocket(connectionId, "$disconnect", "DISCONNECT", null);
    }

    static APIGatewayV2WebSocketEvent message(String connectionId, String body, String action) {
        return webSocket(connectionId, ROUTES.contains(action) ? action : "$default", "MESSAGE", body);
    }

    private static APIGatewayV2WebSocketEvent webSocket(String connectionId, String routeKey, String eventType, String body) {
        var identity = new APIGatewayV2WebSocketEvent.RequestIdentity();
        identity.setUserArn(LocalAws.PRINCIPAL);
        identity.setAccountId(LocalAws.ACCOUNT);
        identity.setSourceIp("127.0.0.1");
        var context = new APIGatewayV2WebSocketEvent.RequestContext();
        context.setConnectionId(connectionId);
        context.setRouteKey(routeKey);
        context.setEventType(eventType);
        context.setIdentity(identity);
        context.setStage(STAGE);
        context.setAccountId(LocalAws.ACCOUNT);
        context.setRequestId(UUID.randomUUID().toString());
        context.setRequestTimeEpoch(Instant.now().toEpochMilli());
        var event = new APIGatewayV2WebSocketEvent();
        event.setRequestContext(context);
        event.setBody(body);
        event.setIsBase64Encoded(false);
        return event;
    }
}
