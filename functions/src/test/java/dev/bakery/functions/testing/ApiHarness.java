package dev.bakery.functions.testing;

import dev.bakery.testing.LocalS3;

import dev.bakery.store.testing.LocalDynamo;

import dev.bakery.core.Arch;
import dev.bakery.functions.api.ApiRequest;
import dev.bakery.functions.api.ApiResponse;
import dev.bakery.functions.api.RestApi;
import dev.bakery.functions.aws.BuildSecrets;
import dev.bakery.functions.aws.LogEvents;
import dev.bakery.testing.LoopbackAws;
import dev.bakery.functions.aws.StepFunctions;
import dev.bakery.functions.builds.BuildService;
import dev.bakery.functions.builds.Ownership;
import dev.bakery.functions.live.DynamoSubscriptions;
import dev.bakery.functions.live.WebSocketRoutes;
import dev.bakery.functions.builds.CloudWatchLogSource;
import dev.bakery.functions.builds.SecretsManagerVault;
import dev.bakery.functions.builds.StepFunctionsExecutions;
import dev.bakery.functions.contexts.ContextService;
import dev.bakery.store.BuildStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The REST API wired exactly as {@code RestApiHandler.wire} does, but on the emulators: DynamoDB
 * Local, S3Proxy, and the loopback fake of Step Functions, Secrets Manager and CloudWatch Logs,
 * which records what the clients really send.
 */
public final class ApiHarness implements AutoCloseable {

    public static final String REGION = "eu-west-1";
    public static final String BUCKET = "bakery-contexts";
    public static final String LOG_GROUP = "/bakery/builds";
    public static final String PRINCIPAL = "arn:aws:sts::111122223333:assumed-role/ci-deployer/github";
    /** The operators' role ({@code BAKERY_OPERATORS}); its sessions may see and cancel every build. */
    public static final String OPERATOR_ROLE = "arn:aws:iam::111122223333:role/platform/bakery-operators";
    public static final Map<Arch, String> TASK_DEFINITIONS = Map.of(
            Arch.AMD64, "arn:aws:ecs:eu-west-1:111122223333:task-definition/bakery-agent-amd64:1",
            Arch.ARM64, "arn:aws:ecs:eu-west-1:111122223333:task-definition/bakery-agent-arm64:1");

    public final LocalDynamo dynamo = LocalDynamo.start();
    public final LocalS3 s3 = LocalS3.start();
    public final LoopbackAws aws = LoopbackAws.start();
    public final String stateMachineArn;
    public final BuildStore store;
    public final ContextService contexts;
    public final Ownership ownership = new Ownership(List.of(OPERATOR_ROLE));
    public final RestApi api;
    /** The WebSocket API's routes on the same table, as the WebSocket function wires them. */
    public final WebSocketRoutes live;

    public ApiHarness(int maxBodyBytes, long maxContextBytes) {
        s3.client().createBucket(r -> r.bucket(BUCKET));
        aws.logGroup(LOG_GROUP);
        stateMachineArn = aws.stateMachine(REGION, "bakery-build");
        store = new BuildStore(dynamo.client(), LocalDynamo.TABLE, Clock.systemUTC());
        contexts = new ContextService(s3.client(), s3.presigner(), BUCKET, maxContextBytes);
        BuildService builds = new BuildService(store, contexts::exists,
                new SecretsManagerVault(new BuildSecrets(aws.secretsManager(REGION))),
                new StepFunctionsExecutions(new StepFunctions(aws.sfn(REGION)), stateMachineArn, REGION),
                new CloudWatchLogSource(new LogEvents(aws.logs(REGION)), LOG_GROUP),
                new BuildService.Settings(TASK_DEFINITIONS, null, Duration.ofDays(30)), ownership, Clock.systemUTC());
        api = new RestApi(builds, contexts, maxBodyBytes);
        live = new WebSocketRoutes(new DynamoSubscriptions(dynamo.client(), LocalDynamo.TABLE, Clock.systemUTC()), store,
                ownership, Clock.systemUTC());
    }

    public ApiResponse call(String route, Map<String, String> path, Map<String, String> query, String body) {
        return callAs(PRINCIPAL, route, path, query, body);
    }

    /** A call as API Gateway's IAM authorizer would name another caller. */
    public ApiResponse callAs(String principal, String route, Map<String, String> path, Map<String, String> query, String body) {
        return api.handle(new ApiRequest(route, path, query, body, principal, "req-1"));
    }

    /** Puts a context object straight into the bucket, as a finished upload leaves it. */
    public String uploadedContext(String sha256) {
        String key = ContextService.key(sha256);
        s3.client().putObject(r -> r.bucket(BUCKET).key(key), software.amazon.awssdk.core.sync.RequestBody.fromString("ctx"));
        return key;
    }

    @Override
    public void close() {
        aws.close();
        s3.close();
        dynamo.close();
    }
}
