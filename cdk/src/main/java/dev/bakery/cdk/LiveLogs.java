package dev.bakery.cdk;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.WebSocketIamAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_integrations.WebSocketLambdaIntegration;
import software.amazon.awscdk.services.apigatewayv2.LogGroupLogDestination;
import software.amazon.awscdk.services.apigatewayv2.WebSocketApi;
import software.amazon.awscdk.services.apigatewayv2.WebSocketRouteOptions;
import software.amazon.awscdk.services.apigatewayv2.WebSocketStage;
import software.amazon.awscdk.services.lambda.FilterCriteria;
import software.amazon.awscdk.services.lambda.FilterRule;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.DynamoEventSource;
import software.amazon.awscdk.services.logs.FilterPattern;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.SubscriptionFilter;
import software.amazon.awscdk.services.logs.destinations.LambdaDestination;
import software.constructs.Construct;

/**
 * Live logs and status over WebSocket: the WebSocket API (IAM auth on $connect) and its route handler,
 * the log forwarder subscribed to the build log group, and the status notifier on the table's stream.
 * Both push to subscribers through the stage's management endpoint.
 */
public final class LiveLogs extends Construct {

    public static final String STAGE = "v1";

    private final WebSocketApi api;
    private final WebSocketStage stage;

    public LiveLogs(Construct scope, String id, Storage storage, BuildCluster builds, BakerySettings settings) {
        super(scope, id);
        Stack stack = Stack.of(this);
        api = WebSocketApi.Builder.create(this, "WebSocketApi")
                .description("Bakery: live build logs and status (SigV4 on $connect)")
                .build();
        // Built from the API id, not the stage, so the functions do not wait on the stage that routes to them.
        String managementEndpoint = "https://" + api.getApiId() + ".execute-api." + stack.getRegion() + "."
                + stack.getUrlSuffix() + "/" + STAGE;
        Map<String, String> env = Map.of("TABLE_NAME", storage.table().getTableName(),
                "WEBSOCKET_ENDPOINT", managementEndpoint);

        // Only the routes decide who may follow a build (subscribe); the others post to subscribers.
        Map<String, String> routesEnv = new LinkedHashMap<>(env);
        Api.operators(settings).ifPresent(operators -> routesEnv.put("BAKERY_OPERATORS", operators));
        JavaFunction routes = new JavaFunction(this, "WebSocketRoutes", settings.repository().functionsJar(),
                "dev.bakery.functions.handler.WebSocketHandler", Duration.seconds(29), routesEnv, settings.logRetention());
        storage.grantItems(routes.role(), "GetItem", "Query", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem");
        JavaFunction forwarder = new JavaFunction(this, "LogForwarder", settings.repository().functionsJar(),
                "dev.bakery.functions.handler.LogForwarderHandler", Duration.minutes(1), env, settings.logRetention());
        storage.grantItems(forwarder.role(), "Query", "UpdateItem", "DeleteItem", "BatchWriteItem");
        JavaFunction notifier = new JavaFunction(this, "StatusNotifier", settings.repository().functionsJar(),
                "dev.bakery.functions.handler.StatusNotifierHandler", Duration.minutes(1), env, settings.logRetention());
        storage.grantItems(notifier.role(), "GetItem", "Query", "UpdateItem", "DeleteItem", "BatchWriteItem");

        WebSocketLambdaIntegration integration = new WebSocketLambdaIntegration("Routes", routes.alias());
        api.addRoute("$connect", WebSocketRouteOptions.builder().integration(integration)
                .authorizer(new WebSocketIamAuthorizer()).build());
        for (String route : List.of("$disconnect", "$default", "subscribe", "unsubscribe")) {
            api.addRoute(route, WebSocketRouteOptions.builder().integration(integration).build());
        }
        LogGroup accessLogs = LogGroup.Builder.create(this, "AccessLogs")
                .retention(settings.logRetention())
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        stage = WebSocketStage.Builder.create(this, "Stage")
                .webSocketApi(api)
                .stageName(STAGE)
                .autoDeploy(true)
                .accessLogSettings(new software.amazon.awscdk.services.apigatewayv2.IAccessLogSettings() {
                    @Override
                    public software.amazon.awscdk.services.apigatewayv2.IAccessLogDestination getDestination() {
                        return new LogGroupLogDestination(accessLogs);
                    }
                })
                .build();
        for (JavaFunction function : List.of(routes, forwarder, notifier)) {
            stage.grantManagementApiAccess(function.role());
        }

        SubscriptionFilter.Builder.create(this, "ForwardBuildLogs")
                .logGroup(builds.logGroup())
                .destination(new LambdaDestination(forwarder.alias()))
                .filterPattern(FilterPattern.allEvents())
                .build();
        // Build and task items only: subscriptions and connections change often and tell no one anything.
        notifier.alias().addEventSource(DynamoEventSource.Builder.create(storage.table())
                .startingPosition(StartingPosition.LATEST)
                .batchSize(100)
                .maxBatchingWindow(Duration.seconds(1))
                .retryAttempts(3)
                .bisectBatchOnError(true)
                .filters(List.of(FilterCriteria.filter(Map.of(
                        "eventName", FilterRule.or("INSERT", "MODIFY"),
                        "dynamodb", Map.of("Keys", Map.of(
                                "pk", Map.of("S", FilterRule.beginsWith("BUILD#")),
                                "sk", Map.of("S", List.of("META", Map.of("prefix", "TASK#")))))))))
                .build());

        for (JavaFunction function : List.of(routes, forwarder, notifier)) {
            Nag.suppress(function.role(), Nag.IAM5, "PostToConnection targets connections that exist only at run time: the"
                    + " grant stops at this API's stage (@connections/*).", Nag.matching(Nag.literal(
                            Nag.resource("execute-api", "<")) + "LiveWebSocketApi[0-9A-F]+>/" + STAGE + "/\\*/@connections/\\*"));
        }
        Nag.suppress(notifier.role(), Nag.IAM5, "dynamodb:ListStreams, which the stream's event source mapping needs, has"
                + " no resource-level permissions (AWS requires Resource \"*\"); reading records is limited to this table's"
                + " stream.", Nag.anyResource());
        Nag.suppress(api, "AwsSolutions-APIG4", "A WebSocket API authorizes on $connect only (IAM here); every other route"
                + " runs on a connection that passed it.");
    }

    public WebSocketApi webSocketApi() {
        return api;
    }

    public WebSocketStage stage() {
        return stage;
    }
}
