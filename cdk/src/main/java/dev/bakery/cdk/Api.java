package dev.bakery.cdk;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigateway.AuthorizationType;
import software.amazon.awscdk.services.apigateway.EndpointType;
import software.amazon.awscdk.services.apigateway.GatewayResponseOptions;
import software.amazon.awscdk.services.apigateway.IResource;
import software.amazon.awscdk.services.apigateway.JsonSchema;
import software.amazon.awscdk.services.apigateway.JsonSchemaType;
import software.amazon.awscdk.services.apigateway.LambdaIntegration;
import software.amazon.awscdk.services.apigateway.LogGroupLogDestination;
import software.amazon.awscdk.services.apigateway.MethodOptions;
import software.amazon.awscdk.services.apigateway.Model;
import software.amazon.awscdk.services.apigateway.ModelOptions;
import software.amazon.awscdk.services.apigateway.RequestValidator;
import software.amazon.awscdk.services.apigateway.RequestValidatorOptions;
import software.amazon.awscdk.services.apigateway.ResponseType;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.apigateway.StageOptions;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/**
 * The REST API (contexts, builds, status, cancel, log replay) and its "builds" function. Every method
 * wants SigV4 (AWS_IAM): who may build is an IAM question. API Gateway checks what it can cheaply (a
 * JSON object body, the path parameters) and answers in the API's error shape; the handler checks the
 * rest, with messages that name the field.
 */
public final class Api extends Construct {

    public static final String STAGE = "v1";

    private final RestApi api;

    public Api(Construct scope, String id, Storage storage, BuildCluster builds, Pipeline pipeline, BakerySettings settings) {
        super(scope, id);
        StateMachine stateMachine = pipeline.stateMachine();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TABLE_NAME", storage.table().getTableName());
        env.put("CONTEXT_BUCKET", storage.bucket().getBucketName());
        env.put("STATE_MACHINE_ARN", stateMachine.getStateMachineArn());
        env.put("TASK_DEFINITION_AMD64", builds.amd64().getTaskDefinitionArn());
        env.put("TASK_DEFINITION_ARM64", builds.arm64().getTaskDefinitionArn());
        env.put("LOG_GROUP", builds.logGroup().getLogGroupName());
        env.put("BUILD_RETENTION_DAYS", Integer.toString(settings.buildRetentionDays()));
        // Without it the API refuses platform: k8s (no bridge is polling the placeholder activity).
        pipeline.activity().ifPresent(activity -> env.put("K8S_ACTIVITY_ARN", activity.getActivityArn()));
        operators(settings).ifPresent(operators -> env.put("BAKERY_OPERATORS", operators));
        JavaFunction handler = new JavaFunction(this, "Builds", settings.repository().functionsJar(),
                "dev.bakery.functions.handler.RestApiHandler", Duration.seconds(29), env, settings.logRetention());
        grant(handler.role(), storage, builds, stateMachine);

        LogGroup accessLogs = LogGroup.Builder.create(this, "AccessLogs")
                .retention(settings.logRetention())
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        api = RestApi.Builder.create(this, "RestApi")
                .description("Bakery: contexts and builds (SigV4)")
                .endpointTypes(List.of(EndpointType.REGIONAL))
                .cloudWatchRole(false)
                .deployOptions(StageOptions.builder()
                        .stageName(STAGE)
                        .accessLogDestination(new LogGroupLogDestination(accessLogs))
                        .accessLogFormat(AccessLogFormat.jsonWithStandardFields())
                        .build())
                .defaultMethodOptions(MethodOptions.builder().authorizationType(AuthorizationType.IAM).build())
                .build();
        // Its own URL output would be an eighth, unnamed output; the stack emits RestApiUrl instead.
        api.getNode().tryRemoveChild("Endpoint");
        errorResponses();
        routes(handler);

        Nag.suppress(api, "AwsSolutions-APIG3", "No WAF: every method needs a SigV4 signature of an IAM principal, and a"
                + " web ACL costs a monthly fee while nobody builds.");
        Nag.suppress(api, "AwsSolutions-APIG6", "No execution logging: API Gateway writes it to a log group it creates"
                + " itself (API-Gateway-Execution-Logs_<api id>/v1), which this stack can neither give a retention nor delete;"
                + " every request is in the JSON access log, every handler error in the function's own log.");
        Nag.suppress(api, "AwsSolutions-COG4", "Callers are IAM principals (CI roles, developers) authenticated by SigV4"
                + " (AWS_IAM on every method), not Cognito users.");
    }

    private void grant(Role role, Storage storage, BuildCluster builds, StateMachine stateMachine) {
        storage.grantItems(role, "GetItem", "Query", "PutItem", "UpdateItem", "ConditionCheckItem");
        storage.grantContextUpload(role);
        Stack stack = Stack.of(this);
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("states:StartExecution"))
                .resources(List.of(stateMachine.getStateMachineArn()))
                .build());
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("states:StopExecution", "states:DescribeExecution"))
                .resources(List.of(Arns.of(stack, "states", "execution", stateMachine.getStateMachineName() + ":*",
                        ArnFormat.COLON_RESOURCE_NAME)))
                .build());
        // Inline registry passwords become a per-build secret, deleted when the build cannot start.
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("secretsmanager:CreateSecret", "secretsmanager:TagResource", "secretsmanager:DeleteSecret",
                        "secretsmanager:DescribeSecret"))
                .resources(List.of(Arns.of(stack, "secretsmanager", "secret", RegistryAccess.BUILD_SECRETS,
                        ArnFormat.COLON_RESOURCE_NAME)))
                .build());
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("logs:FilterLogEvents"))
                .resources(List.of(builds.logGroup().getLogGroupArn()))
                .build());
        Nag.suppress(role, Nag.IAM5, "Execution names (build ids) and per-build secret names exist only at run time:"
                + " the grants stop at this state machine's executions and the bakery/builds/ secret prefix.",
                Nag.matching(Nag.literal(Nag.resource("states", "execution:<")) + "PipelineStateMachine[0-9A-F]+\\.Name>:\\*"),
                Nag.resource("secretsmanager", "secret:" + RegistryAccess.BUILD_SECRETS));
    }

    /** API Gateway's own refusals in the API's error shape {error, message}. */
    private void errorResponses() {
        String shape = "{\"error\":\"$context.error.responseType\",\"message\":$context.error.messageString}";
        api.addGatewayResponse("Default4xx", GatewayResponseOptions.builder().type(ResponseType.DEFAULT_4_XX)
                .templates(Map.of("application/json", shape)).build());
        api.addGatewayResponse("Default5xx", GatewayResponseOptions.builder().type(ResponseType.DEFAULT_5_XX)
                .templates(Map.of("application/json", shape)).build());
        api.addGatewayResponse("BadBody", GatewayResponseOptions.builder().type(ResponseType.BAD_REQUEST_BODY)
                .templates(Map.of("application/json",
                        "{\"error\":\"invalid_json\",\"message\":\"the request needs a JSON object body\"}")).build());
    }

    private void routes(JavaFunction handler) {
        RequestValidator validator = api.addRequestValidator("Validator", RequestValidatorOptions.builder()
                .validateRequestBody(true)
                .validateRequestParameters(true)
                .build());
        Model object = api.addModel("JsonObject", ModelOptions.builder()
                .contentType("application/json")
                .schema(JsonSchema.builder().type(JsonSchemaType.OBJECT).build())
                .build());
        LambdaIntegration integration = new LambdaIntegration(handler.alias());
        MethodOptions body = MethodOptions.builder().requestValidator(validator)
                .requestModels(Map.of("application/json", object)).build();
        MethodOptions withId = MethodOptions.builder().requestValidator(validator)
                .requestParameters(Map.of("method.request.path.id", true)).build();
        MethodOptions query = MethodOptions.builder().requestValidator(validator).build();

        api.getRoot().addResource("contexts").addMethod("POST", integration, body);
        IResource builds = api.getRoot().addResource("builds");
        builds.addMethod("POST", integration, body);
        builds.addMethod("GET", integration, query);
        IResource build = builds.addResource("{id}");
        build.addMethod("GET", integration, withId);
        build.addMethod("DELETE", integration, withId);
        build.addResource("logs").addMethod("GET", integration, withId);
    }

    /** Context operators as the functions read them ({@code BAKERY_OPERATORS}), when there are any. */
    static Optional<String> operators(BakerySettings settings) {
        return settings.operators().isEmpty() ? Optional.empty()
                : Optional.of(String.join(",", settings.operators()));
    }

    public RestApi restApi() {
        return api;
    }
}
