package dev.bakery.functions.wiring;

import dev.bakery.aws.AwsClients;
import dev.bakery.core.Arch;
import dev.bakery.core.Environment;
import dev.bakery.functions.aws.BuildSecrets;
import dev.bakery.functions.aws.LogEvents;
import dev.bakery.functions.aws.StepFunctions;
import dev.bakery.functions.builds.BuildService;
import dev.bakery.functions.builds.CloudWatchLogSource;
import dev.bakery.functions.builds.Executions;
import dev.bakery.functions.builds.LogSource;
import dev.bakery.functions.builds.SecretVault;
import dev.bakery.functions.builds.SecretsManagerVault;
import dev.bakery.functions.builds.StepFunctionsExecutions;
import dev.bakery.functions.live.ApiGatewayConnections;
import dev.bakery.functions.live.ConnectionPoster;
import dev.bakery.registry.EcrAuthorizationTokens;
import dev.bakery.registry.EcrTokens;
import dev.bakery.registry.SecretReader;
import dev.bakery.registry.SecretsManagerSecrets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The AWS services behind the Lambda handlers, configured from the environment CDK sets. Each
 * function has only its own variables, so each is read when the part that needs it is built: a
 * handler that builds its part in its constructor fails at init naming the first missing one. All
 * clients share one {@link AwsClients} (credentials chain, HTTP client, retry strategy).
 */
public final class AwsEdges implements Edges {

    private final Environment env;
    private final Lazy<AwsClients> aws;
    private final Lazy<DynamoDbClient> dynamo;
    private final Lazy<S3Client> s3;
    private final Lazy<S3Presigner> presigner;
    private final Lazy<SecretsManagerClient> secretsManager;
    private final Lazy<SecretVault> vault;
    private final Lazy<SecretReader> secrets;
    private final Lazy<EcrTokens> ecrTokens;
    private final Lazy<Executions> executions;
    private final Lazy<LogSource> logs;
    private final Lazy<ConnectionPoster> connections;

    public AwsEdges(Environment env) {
        this.env = env;
        // The default credentials chain, not the environment-variable provider that cold-start guides
        // suggest: with SnapStart, Lambda hands out credentials through the container endpoint.
        aws = Lazy.of(() -> AwsClients.create(env.required("AWS_REGION")));
        dynamo = Lazy.of(() -> aws.get().configure(DynamoDbClient.builder()).build());
        s3 = Lazy.of(() -> aws.get().configure(S3Client.builder()).forcePathStyle(s3PathStyle()).build());
        presigner = Lazy.of(() -> S3Presigner.builder().region(aws.get().region()).credentialsProvider(aws.get().credentials())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(s3PathStyle()).build()).build());
        secretsManager = Lazy.of(() -> aws.get().configure(SecretsManagerClient.builder()).build());
        vault = Lazy.of(() -> new SecretsManagerVault(new BuildSecrets(secretsManager.get())));
        secrets = Lazy.of(() -> new SecretsManagerSecrets(secretsManager.get()));
        ecrTokens = Lazy.of(() -> EcrAuthorizationTokens.create(aws.get()));
        executions = Lazy.of(() -> new StepFunctionsExecutions(new StepFunctions(aws.get().configure(SfnClient.builder()).build()),
                env.required("STATE_MACHINE_ARN"), aws.get().region().id()));
        logs = Lazy.of(() -> new CloudWatchLogSource(new LogEvents(aws.get().configure(CloudWatchLogsClient.builder()).build()),
                env.required("LOG_GROUP")));
        connections = Lazy.of(() -> new ApiGatewayConnections(env.url("WEBSOCKET_ENDPOINT"), aws.get()));
    }

    /** The control plane of a Lambda function, from its environment. */
    public static ControlPlane controlPlane(Environment env) {
        return new ControlPlane(new AwsEdges(env));
    }

    /** S3 emulators on an IP address (the local mode, benchmarks) need path-style URLs. */
    private boolean s3PathStyle() {
        return Boolean.parseBoolean(env.optional("BAKERY_S3_PATH_STYLE"));
    }

    @Override
    public DynamoDbClient dynamo() {
        return dynamo.get();
    }

    @Override
    public String table() {
        return env.required("TABLE_NAME");
    }

    @Override
    public S3Client s3() {
        return s3.get();
    }

    @Override
    public S3Presigner presigner() {
        return presigner.get();
    }

    @Override
    public String contextBucket() {
        return env.required("CONTEXT_BUCKET");
    }

    @Override
    public long maxContextBytes() {
        return env.positive("MAX_CONTEXT_BYTES", 2L << 30);
    }

    @Override
    public int maxBodyBytes() {
        return Math.toIntExact(env.positive("MAX_BODY_BYTES", 1 << 20));
    }

    @Override
    public SecretVault vault() {
        return vault.get();
    }

    @Override
    public SecretReader secrets() {
        return secrets.get();
    }

    @Override
    public EcrTokens ecrTokens() {
        return ecrTokens.get();
    }

    @Override
    public Executions executions() {
        return executions.get();
    }

    @Override
    public LogSource logs() {
        return logs.get();
    }

    @Override
    public ConnectionPoster connections() {
        return connections.get();
    }

    @Override
    public BuildService.Settings buildSettings() {
        return new BuildService.Settings(Map.of(Arch.AMD64, env.required("TASK_DEFINITION_AMD64"),
                Arch.ARM64, env.required("TASK_DEFINITION_ARM64")), env.optional("K8S_ACTIVITY_ARN"),
                Duration.ofDays(env.positive("BUILD_RETENTION_DAYS", 90)));
    }

    /** {@code BAKERY_OPERATORS}: comma-separated role or user ARNs (CDK context {@code operators}); none by default. */
    @Override
    public List<String> operators() {
        return env.list("BAKERY_OPERATORS");
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }
}
