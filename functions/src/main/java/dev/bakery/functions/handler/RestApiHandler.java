package dev.bakery.functions.handler;

import dev.bakery.core.Environment;
import dev.bakery.functions.wiring.AwsEdges;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.functions.api.ApiRequest;
import dev.bakery.functions.api.ApiResponse;
import dev.bakery.functions.api.RestApi;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * The "builds" Lambda behind API Gateway (REST, AWS_IAM auth). Clients are built once, in the
 * constructor, so SnapStart snapshots them, primed by {@link SnapStartPriming}. Translation only:
 * {@link RestApi} does the work.
 */
public final class RestApiHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    static {
        TlsTrustWarmUp.start(); // first: the rest of this class's initialisation runs meanwhile
    }

    private static final Map<String, String> HEADERS = Map.of("Content-Type", "application/json");

    private static final Logger LOG = LoggerFactory.getLogger(RestApiHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAMESPACE = System.getenv().getOrDefault("POWERTOOLS_METRICS_NAMESPACE", "Bakery");

    private final RestApi api;
    private final Metrics metrics = MetricsFactory.getMetricsInstance();

    public RestApiHandler() {
        this(AwsEdges.controlPlane(Environment.system()).restApi());
        if (SnapStartPriming.wanted(System.getenv())) {
            long start = System.nanoTime();
            var answers = SnapStartPriming.prime(api);
            LOG.info("primed the SnapStart snapshot in {} ms (answers {})", (System.nanoTime() - start) / 1_000_000, answers);
        }
    }

    public RestApiHandler(RestApi api) {
        this.api = api;
        metrics.setNamespace(NAMESPACE);
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        // Powertools adds the request id, cold start and function fields to every log line.
        return context == null ? serve(event, null) : PowertoolsLogging.withLogging(context, () -> serve(event, context));
    }

    private APIGatewayProxyResponseEvent serve(APIGatewayProxyRequestEvent event, Context context) {
        ApiRequest request = request(event);
        String buildId = request.pathParameters().get("id");
        if (buildId != null) {
            MDC.put("buildId", buildId);
        }
        ApiResponse response;
        try {
            response = api.handle(request);
            observe(request, response);
        } catch (RuntimeException e) {
            String requestId = context == null ? "" : " (request " + context.getAwsRequestId() + ")";
            LOG.error("unexpected error{}", requestId, e);
            response = new ApiResponse(500, "{\"error\":\"internal_error\",\"message\":\"something went wrong"
                    + requestId + "\"}");
        } finally {
            MDC.remove("buildId");
        }
        return new APIGatewayProxyResponseEvent().withStatusCode(response.status()).withHeaders(HEADERS)
                .withBody(response.body());
    }

    /** Submissions become log lines with the build id as a key, and the BuildsSubmitted / BuildsRejected metrics. */
    private void observe(ApiRequest request, ApiResponse response) {
        if (!request.route().equals("POST /builds")) {
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (java.io.IOException e) {
            return;
        }
        if (response.status() == 202) {
            MDC.put("buildId", body.path("buildId").asText());
            LOG.info("build submitted by {}", request.principal());
            metrics.addMetric("BuildsSubmitted", 1, MetricUnit.COUNT);
            metrics.flush();
        } else if (response.status() >= 400 && response.status() < 500) {
            String reason = body.path("error").asText("unknown");
            LOG.info("build rejected: {} ({})", reason, body.path("message").asText());
            metrics.flushSingleMetric("BuildsRejected", 1, MetricUnit.COUNT, NAMESPACE, DimensionSet.of("Reason", reason));
        }
    }

    static ApiRequest request(APIGatewayProxyRequestEvent event) {
        String body = event.getBody();
        if (body != null && Boolean.TRUE.equals(event.getIsBase64Encoded())) {
            body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
        }
        var context = event.getRequestContext();
        String principal = context == null || context.getIdentity() == null ? null : context.getIdentity().getUserArn();
        String requestId = context == null ? null : context.getRequestId();
        return new ApiRequest(event.getHttpMethod() + " " + event.getResource(), event.getPathParameters(),
                event.getQueryStringParameters(), body, principal, requestId);
    }
}
