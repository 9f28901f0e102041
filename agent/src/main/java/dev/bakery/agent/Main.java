package dev.bakery.agent;

import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import dev.bakery.core.Environment;
import dev.bakery.agent.builder.BuildahBuilder;
import dev.bakery.agent.builder.Builder;
import dev.bakery.agent.builder.KanikoBuilder;
import dev.bakery.agent.context.ContextFetcher;
import dev.bakery.agent.context.SafeExtractor;
import dev.bakery.agent.log.AgentLog;
import dev.bakery.agent.process.ProcessRunner;
import dev.bakery.agent.result.ResultSink;
import dev.bakery.agent.result.EcsTaskArn;
import dev.bakery.agent.result.StoreResultSink;
import dev.bakery.agent.result.TerminationLogSink;
import dev.bakery.agent.spec.TaskSpec;
import dev.bakery.agent.spec.TaskSpecs;
import dev.bakery.aws.AwsClients;
import dev.bakery.core.BuildContainer;
import dev.bakery.registry.EcrPushSession;
import dev.bakery.registry.EcrTokens;
import dev.bakery.registry.Login;
import dev.bakery.registry.PlanCredentials;
import dev.bakery.registry.RegistryCredentials;
import dev.bakery.registry.SecretsManagerSecrets;
import dev.bakery.store.BuildStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The agent's entry point. Configured by environment only (ECS container overrides, k8s Job env):
 * <ul>
 * <li>ECS: {@code BAKERY_BUILD_ID}, {@code BAKERY_TASK_ID}, {@code BAKERY_TABLE}, {@code BAKERY_CONTEXT_BUCKET}, {@code AWS_REGION};</li>
 * <li>k8s: {@code BAKERY_TASK_SPEC_FILE} (build id, task id, plan, presigned context URL), result in
 * {@code BAKERY_TERMINATION_LOG} (default {@code /dev/termination-log});</li>
 * <li>{@code BAKERY_BUILDER} {@code kaniko} (default: the build container, through the volume both
 * mount at {@code BAKERY_SHARED}, default {@code /bakery}, which it must pick up within
 * {@code BAKERY_BUILD_START_SECONDS}, default 300) or {@code buildah} (local mode, with
 * {@code BAKERY_BUILDAH_ROOT}); {@code BAKERY_WORKSPACE} (default {@code /bakery/workspace}),
 * {@code DOCKER_CONFIG} (default {@code /bakery/docker}; build secrets' files live in
 * {@code bakery-secrets} next to it), all on the shared volume by default;
 * {@code BAKERY_S3_ENDPOINT} and {@code BAKERY_DYNAMODB_ENDPOINT} point at local emulators,
 * {@code AWS_ENDPOINT_URL_SECRETS_MANAGER} (the SDK's own setting) at another Secrets Manager;
 * {@code BAKERY_PUSH_ROLE_ARN}: the role assumed for ECR logins limited to the task's repositories
 * (without it, ECR registries need a login in the plan).</li>
 * <li>{@code BAKERY_CREDENTIALS_ON_STDIN} (local mode): the AWS keys come as one JSON object
 * {@code {"accessKeyId": ..., "secretAccessKey": ..., "registryLogins": {HOST: {"username": ..., "password": ...}}}}
 * on stdin, never in the environment, which the scripts and the builder's RUN steps could read
 * ({@code /proc/PID/environ}); the logins win over the plan's for their registries (the local registry's).</li>
 * </ul>
 */
public final class Main {

    /** The JVM must be gone within 10 s of SIGTERM (ECS then kills it); the child gets 7 of those. */
    private static final long SHUTDOWN_WAIT_SECONDS = 9;
    private static final long DEFAULT_MAX_CONTEXT_BYTES = 2L << 30;
    /** The build container's image pull and start, from the go-ahead: Fargate pulls both images before starting either. */
    private static final long DEFAULT_BUILD_START_SECONDS = 300;
    public static final String CREDENTIALS_ON_STDIN = "BAKERY_CREDENTIALS_ON_STDIN";

    private Main() {
    }

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        String buildId = env.getOrDefault("BAKERY_BUILD_ID", "");
        String taskId = env.getOrDefault("BAKERY_TASK_ID", "");
        AgentLog log = new AgentLog(System.out, Clock.systemUTC(), buildId, taskId, "");
        int code;
        try {
            code = run(env, log);
        } catch (RuntimeException e) {
            log.error("agent", "cannot start: " + e.getMessage());
            code = 2;
        }
        System.exit(code);
    }

    private static int run(Map<String, String> env, AgentLog bootLog) {
        Environment settings = new Environment(env);
        // One credentials chain and one HTTP client for every client.
        AwsClients aws = AwsClients.create(env.getOrDefault("AWS_REGION", "us-east-1"));
        RegistryCredentials given = RegistryCredentials.none();
        if (env.containsKey(CREDENTIALS_ON_STDIN)) {
            JsonNode stdin = readStdin();
            aws = new AwsClients(aws.region(), StaticCredentialsProvider.create(AwsBasicCredentials.create(
                    stdin.path("accessKeyId").asText(), stdin.path("secretAccessKey").asText())), aws.http(), aws.retries());
            Map<String, Login> logins = new java.util.HashMap<>();
            stdin.path("registryLogins").properties().forEach(e -> logins.put(e.getKey(),
                    new Login(e.getValue().path("username").asText(), e.getValue().path("password").asText())));
            given = RegistryCredentials.of(logins);
        }
        TaskSpec spec;
        ResultSink sink;
        S3Client s3 = null;
        if (env.containsKey("BAKERY_TASK_SPEC_FILE")) {
            spec = load(() -> TaskSpecs.fromFile(Path.of(env.get("BAKERY_TASK_SPEC_FILE"))));
            sink = new TerminationLogSink(Path.of(env.getOrDefault("BAKERY_TERMINATION_LOG", "/dev/termination-log")));
        } else {
            var dynamo = aws.configure(DynamoDbClient.builder());
            endpoint(env, "BAKERY_DYNAMODB_ENDPOINT").ifPresent(dynamo::endpointOverride);
            BuildStore store = new BuildStore(dynamo.build(), settings.required("BAKERY_TABLE"), Clock.systemUTC());
            var s3Builder = aws.configure(S3Client.builder());
            endpoint(env, "BAKERY_S3_ENDPOINT").ifPresent(uri -> s3Builder.endpointOverride(uri).forcePathStyle(true));
            s3 = s3Builder.build();
            String buildId = settings.required("BAKERY_BUILD_ID");
            String taskId = settings.required("BAKERY_TASK_ID");
            spec = TaskSpecs.fromStore(store, settings.required("BAKERY_CONTEXT_BUCKET"), buildId, taskId);
            sink = new StoreResultSink(store, buildId, taskId,
                    EcsTaskArn.lookUp(env, Duration.ofSeconds(2), bootLog).orElse(null));
        }
        AgentLog log = new AgentLog(System.out, Clock.systemUTC(), spec.buildId(), spec.taskId(), spec.task().arch().key());
        Path shared = Path.of(env.getOrDefault("BAKERY_SHARED", BuildContainer.VOLUME_PATH));
        Path workspace = Path.of(env.getOrDefault("BAKERY_WORKSPACE", shared.resolve("workspace").toString()));
        Path dockerConfig = Path.of(env.getOrDefault("DOCKER_CONFIG", shared.resolve("docker").toString())).resolve("config.json");
        Path digestFile = dockerConfig.getParent().resolve("digest-" + spec.taskId());
        // Next to DOCKER_CONFIG: on the shared volume (a mount Kaniko never snapshots), in the task's
        // directory in local mode.
        Path secretsDir = dockerConfig.getParent().resolveSibling("bakery-secrets");
        Builder builder = switch (env.getOrDefault("BAKERY_BUILDER", "kaniko")) {
            case "kaniko" -> new KanikoBuilder(shared, dockerConfig.getParent(), secretsDir, log, Duration.ofSeconds(
                    Long.parseLong(env.getOrDefault("BAKERY_BUILD_START_SECONDS", Long.toString(DEFAULT_BUILD_START_SECONDS)))));
            case "buildah" -> {
                Path root = Path.of(settings.required("BAKERY_BUILDAH_ROOT"));
                yield new BuildahBuilder("buildah", root.resolve("storage"), root.resolve("run"), dockerConfig);
            }
            default -> throw new IllegalArgumentException("BAKERY_BUILDER must be kaniko or buildah");
        };
        SecretsManagerSecrets secrets = new SecretsManagerSecrets(aws.configure(SecretsManagerClient.builder()).build());
        // ECR logins only through the push role, scoped to this task's repositories: never this role's own ECR rights.
        String pushRole = env.getOrDefault("BAKERY_PUSH_ROLE_ARN", "");
        EcrTokens ecr = pushRole.isBlank() ? EcrTokens.none()
                : EcrPushSession.tokens(aws, pushRole, spec.buildId() + "-" + spec.taskId(), spec.task());
        // The local registry takes its run's login only, whatever the plan says for it.
        RegistryCredentials logins = given.orElse(new PlanCredentials(spec.task().credentials(), spec.buildId(), secrets, ecr));
        ProcessRunner runner = new ProcessRunner(log);
        long maxContext = Long.parseLong(env.getOrDefault("BAKERY_MAX_CONTEXT_BYTES", Long.toString(DEFAULT_MAX_CONTEXT_BYTES)));
        Agent agent = new Agent(spec, new Agent.Paths(workspace, dockerConfig, digestFile, secretsDir,
                SafeExtractor.Limits.DEFAULT), new ContextFetcher(s3, maxContext), logins, secrets, builder, sink, runner,
                log, Clock.systemUTC());

        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger exitCode = new AtomicInteger(143);
        Thread hook = new Thread(() -> {
            log.warn("agent", "SIGTERM received: stopping the running step");
            runner.terminate();
            try {
                if (done.await(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    Runtime.getRuntime().halt(exitCode.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sigterm");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = agent.run();
        exitCode.set(code == 0 && runner.terminated() ? 143 : code);
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // SIGTERM came: the hook halts the JVM with this exit code now that the result is recorded.
        }
        return code;
    }

    private interface Loader<T> {
        T load() throws java.io.IOException;
    }

    private static <T> T load(Loader<T> loader) {
        try {
            return loader.load();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read the task spec: " + e.getMessage(), e);
        }
    }

    /** What bakery-local writes on stdin (and closes it): read before anything else starts. */
    private static JsonNode readStdin() {
        try {
            return new ObjectMapper().readTree(System.in.readAllBytes());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read the credentials on stdin: " + e.getMessage(), e);
        }
    }

    private static java.util.Optional<URI> endpoint(Map<String, String> env, String name) {
        return java.util.Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank()).map(URI::create);
    }

}
