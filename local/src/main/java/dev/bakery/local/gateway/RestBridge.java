package dev.bakery.local.gateway;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/** Plays API Gateway's REST API (Lambda proxy integration) in front of the REST handler, behind {@link CallerCheck}. */
final class RestBridge extends Handler.Abstract {

    private final RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler;

    RestBridge(RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler) {
        this.handler = handler;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readAllBytes(); // at most CallerCheck.MAX_BODY_BYTES: it read and checked it first
        }
        Map<String, String> query = new LinkedHashMap<>();
        Fields fields = Request.extractQueryParameters(request);
        fields.forEach(field -> query.put(field.getName(), field.getValue()));
        Map<String, String> headers = new LinkedHashMap<>();
        for (HttpField header : request.getHeaders()) {
            headers.putIfAbsent(header.getName(), header.getValue());
        }
        APIGatewayProxyRequestEvent event = ApiEvents.rest(request.getMethod(), Request.getPathInContext(request), query,
                headers, body.length == 0 ? null : new String(body, StandardCharsets.UTF_8));
        APIGatewayProxyResponseEvent answer = handler.handleRequest(event, null);
        if (answer.getHeaders() != null) {
            answer.getHeaders().forEach((name, value) -> response.getHeaders().put(name, value));
        }
        return answer(response, callback, answer.getStatusCode(), answer.getBody() == null ? "" : answer.getBody());
    }

    private static boolean answer(Response response, Callback callback, int status, String body) {
        response.setStatus(status);
        if (!response.getHeaders().contains(HttpHeader.CONTENT_TYPE)) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        }
        Content.Sink.write(response, true, body, callback);
        return true;
    }
}
