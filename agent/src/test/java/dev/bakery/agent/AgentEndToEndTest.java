package dev.bakery.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.agent.builder.BuildahBuilder;
import dev.bakery.agent.context.ContextFetcher;
import dev.bakery.agent.context.SafeExtractor;
import dev.bakery.agent.log.AgentLog;
import dev.bakery.agent.process.ProcessRunner;
import dev.bakery.agent.result.StoreResultSink;
import dev.bakery.agent.spec.TaskSpecs;
import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import dev.bakery.core.status.TaskStatus;
import dev.bakery.registry.RegistryClient;
import dev.bakery.registry.RegistryCredentials;
import dev.bakery.registry.SecretsManagerSecrets;
import dev.bakery.store.BuildRecord;
import dev.bakery.store.BuildStore;
import dev.bakery.store.TaskRecord;
import dev.bakery.store.testing.Builds;
import dev.bakery.store.testing.LocalDynamo;
import dev.bakery.testing.ContextArchives;
import dev.bakery.testing.LocalS3;
import dev.bakery.testing.LoopbackAws;
import dev.bakery.testing.LoopbackRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The agent for real: context from S3Proxy, buildah building and pushing to a loopback registry,
 * the result in dynalite. Needs root, buildah and a static busybox (installed by .ci/run).
 */
class AgentEndToEndTest {

    private static final String BUCKET = "bakery-contexts";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET_VALUE = "expected-value";

    private static LoopbackRegistry registry;
    private static LocalDynamo dynamo;
    private static LocalS3 s3;
    private static BuildStore store;
    /** Secrets Manager's wire protocol, SigV4 checked: what the agent reads build secrets from. */
    private static LoopbackAws aws;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() {
        registry = LoopbackRegistry.start();
        dynamo = LocalDynamo.start();
        s3 = LocalS3.start();
        s3.client().createBucket(r -> r.bucket(BUCKET));
        store = new BuildStore(dynamo.client(), LocalDynamo.TABLE, Clock.systemUTC());
        aws = LoopbackAws.start().secret("ci/build-token", SECRET_VALUE);
    }

    @AfterAll
    static void stop() {
        aws.close();
        s3.close();
        dynamo.close();
        registry.close();
    }

    /** A tar.gz of the given files plus a static busybox, uploaded under its content address. */
    private static String upload(Map<String, String> files) throws IOException {
        byte[] archive = ContextArchives.tarGz(files, Map.of("busybox", Files.readAllBytes(Path.of("/bin/busybox"))));
        String key = "contexts/" + dev.bakery.core.Digests.sha256(archive).substring(7) + ".tar.gz";
        s3.client().putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(archive));
        return key;
    }

    private static BuildPlan plan(String yaml) {
        return BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", yaml))).builds().getFirst().plan();
    }

    private static void create(String buildId, BuildPlan plan, String contextKey) {
        Builds.create(store, BuildRecord.queued(buildId, plan, contextKey, "arn:aws:iam::1:user/ci", java.util.Map.of(), Instant.now(), null),
                plan.tasks().stream().map(t -> TaskRecord.pending(buildId, t.id(), t.arch().key()))
                        .toList());
    }

    private record Run(int exitCode, String output) {
    }

    /** Where Main would say each task ran (EcsTaskArn on Fargate). */
    private static final String FARGATE_TASKS = "arn:aws:ecs:us-east-1:111122223333:task/bakery/";

    /** What Main does for one task, with test paths: the same Agent, builder and sinks. */
    private Run runAgent(String buildId, String taskId) throws IOException {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
        var spec = TaskSpecs.fromStore(store, BUCKET, buildId, taskId);
        AgentLog log = new AgentLog(out, Clock.systemUTC(), buildId, taskId, spec.task().arch().key());
        Path work = Files.createDirectories(temp.resolve(taskId));
        Path dockerConfig = work.resolve("docker/config.json");
        Agent agent = new Agent(spec, new Agent.Paths(work.resolve("workspace"), dockerConfig, work.resolve("digest"),
                work.resolve("bakery-secrets"), SafeExtractor.Limits.DEFAULT), new ContextFetcher(s3.client(), 64 << 20),
                RegistryCredentials.none(), new SecretsManagerSecrets(aws.secretsManager("us-east-1")),
                new BuildahBuilder("buildah", work.resolve("storage"), work.resolve("run"), dockerConfig),
                new StoreResultSink(store, buildId, taskId, FARGATE_TASKS + taskId), new ProcessRunner(log), log, Clock.systemUTC());
        return new Run(agent.run(), output.toString(StandardCharsets.UTF_8));
    }

    @Test
    void buildsBothArchitecturesFromS3AndRecordsTheRegistrysDigest() throws Exception {
        String context = upload(Map.of(
                "Dockerfile", "FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"sh\", \"-c\", \"echo built > /built.txt\"]\n",
                "Dockerfile.arm64", "FROM scratch\nCOPY busybox /bin/busybox\nCOPY marker.txt /marker.txt\n",
                "marker.txt", "arm64 without emulation\n"));
        BuildPlan plan = plan("""
                global:
                  env: {GREETING: hello}
                  pre-script: echo "$GREETING from the pre-script" > pre.txt
                  post-script: echo "pushed"
                  kaniko: {destination: "%s/e2e/app:1"}
                bake:
                - arch: amd64
                - arch: arm64
                  kaniko: {dockerfile: Dockerfile.arm64}
                """.formatted(registry.host()));
        create("b-e2e", plan, context);
        RegistryClient client = new RegistryClient(RegistryCredentials.none());

        for (String taskId : new String[] {"amd64", "arm64"}) {
            Run run = runAgent("b-e2e", taskId);
            assertThat(run.exitCode()).as(run.output()).isZero();
            TaskRecord task = store.task("b-e2e", taskId).orElseThrow();
            assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(task.runner()).isEqualTo(FARGATE_TASKS + taskId);
            String pushedDigest = client.head(plan.task(taskId).destinations().getFirst()).orElseThrow().digest();
            assertThat(task.imageDigest()).isEqualTo(pushedDigest);
            for (String line : run.output().split("\n")) {
                JsonNode json = JSON.readTree(line);
                assertThat(json.path("buildId").asText()).isEqualTo("b-e2e");
                assertThat(json.path("taskId").asText()).isEqualTo(taskId);
                assertThat(json.path("arch").asText()).isEqualTo(taskId);
                assertThat(json.fieldNames()).toIterable().containsExactly("ts", "buildId", "taskId", "arch", "step", "level", "msg");
            }
            assertThat(run.output()).contains("\"step\":\"post-script\"", "pushed", "context finished in");
        }
        assertThat(Files.readString(temp.resolve("amd64/workspace/pre.txt"))).isEqualTo("hello from the pre-script\n");
    }

    @Test
    void aFailingDockerfileFailsTheTaskWithTheBuildersErrorAndPushesNothing() throws Exception {
        String context = upload(Map.of("Dockerfile",
                "FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"sh\", \"-c\", \"echo boom >&2; exit 3\"]\n"));
        BuildPlan plan = plan("""
                global:
                  post-script: echo "must not run"
                bake:
                - arch: amd64
                  kaniko: {destination: "%s/e2e/broken:1"}
                """.formatted(registry.host()));
        create("b-fail", plan, context);

        Run run = runAgent("b-fail", "amd64");

        assertThat(run.exitCode()).as(run.output()).isNotZero();
        TaskRecord task = store.task("b-fail", "amd64").orElseThrow();
        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.imageDigest()).isNull();
        assertThat(task.error()).contains("exit status 3");
        assertThat(run.output()).doesNotContain("must not run").contains("build failed after");
        assertThat(new RegistryClient(RegistryCredentials.none()).head(plan.tasks().getFirst().destinations().getFirst())).isEmpty();
    }

    @Test
    void aBuildSecretIsMountedForItsRunStepOnlyAndItsValueNeverShows() throws Exception {
        // Exec form: the image has no /bin/sh. The step prints the value, so the mask has something to hide.
        String context = upload(Map.of("Dockerfile", """
                FROM scratch
                COPY busybox /bin/busybox
                RUN --mount=type=secret,id=token ["/bin/busybox", "sh", "-c", \
                    "echo got $(/bin/busybox cat /run/secrets/token); test \\"$(/bin/busybox cat /run/secrets/token)\\" = expected-value"]
                RUN ["/bin/busybox", "sh", "-c", "test ! -e /run/secrets/token"]
                """));
        BuildPlan plan = plan("""
                global:
                  pre-script: stat -c '%%a %%U' ../bakery-secrets/token.secret
                  post-script: test ! -e ../bakery-secrets && echo secrets removed
                  secrets: [{id: token, secret: ci/build-token}]
                bake:
                - arch: amd64
                  kaniko: {destination: "%s/e2e/secret:1"}
                """.formatted(registry.host()));
        create("b-secret", plan, context);

        Run run = runAgent("b-secret", "amd64");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(store.task("b-secret", "amd64").orElseThrow().status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(run.output()).doesNotContain(SECRET_VALUE)
                .contains("got ***", "600 root", "build secrets token written", "secrets removed");
    }

    @Test
    void aBuildSecretThatCannotBeReadFailsTheTaskNamingItsId() throws Exception {
        String context = upload(Map.of("Dockerfile", "FROM scratch\nCOPY busybox /bin/busybox\n"));
        BuildPlan plan = plan("""
                global:
                  pre-script: echo "must not run"
                  secrets: [{id: token, secret: ci/build-token}, {id: npmrc, secret: ci/no-such-secret}]
                bake:
                - arch: amd64
                  kaniko: {destination: "%s/e2e/no-secret:1"}
                """.formatted(registry.host()));
        create("b-nosecret", plan, context);

        Run run = runAgent("b-nosecret", "amd64");

        assertThat(run.exitCode()).isNotZero();
        TaskRecord task = store.task("b-nosecret", "amd64").orElseThrow();
        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.error()).startsWith("cannot read build secret \"npmrc\": secret ci/no-such-secret not found");
        assertThat(run.output()).contains("credentials failed after").doesNotContain("must not run", SECRET_VALUE);
        assertThat(temp.resolve("amd64/bakery-secrets")).doesNotExist();
    }
}
