package dev.bakery.security.paths;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.agent.Agent;
import dev.bakery.agent.builder.BuildahBuilder;
import dev.bakery.agent.context.ContextFetcher;
import dev.bakery.agent.context.SafeExtractor;
import dev.bakery.agent.log.AgentLog;
import dev.bakery.agent.process.ProcessRunner;
import dev.bakery.agent.result.StoreResultSink;
import dev.bakery.agent.spec.TaskSpecs;
import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.Digests;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import dev.bakery.core.status.TaskStatus;
import dev.bakery.registry.RegistryClient;
import dev.bakery.registry.RegistryCredentials;
import dev.bakery.store.BuildRecord;
import dev.bakery.store.BuildStore;
import dev.bakery.store.TaskRecord;
import dev.bakery.store.testing.Builds;
import dev.bakery.store.testing.LocalDynamo;
import dev.bakery.testing.ContextArchives;
import dev.bakery.testing.LocalS3;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A build's files point at the host: the agent's real code (context from S3Proxy, extraction,
 * pre-script, buildah) gets a context whose Dockerfile or context directory is a symbolic link out
 * of the workspace, in the archive or made by the pre-script the agent runs. The host file is a
 * valid Dockerfile with a marker, so had it reached buildah the build would have pushed an image
 * carrying it. Each task fails saying why, before buildah runs: no image, no marker anywhere.
 * Needs root and buildah (as .ci/run has).
 */
class SymlinkedBuildFilesTest {

    private static final String BUCKET = "bakery-contexts";
    private static final String MARKER = "host-only-7f3a9c";

    private static LoopbackRegistry registry;
    private static LocalDynamo dynamo;
    private static LocalS3 s3;
    private static BuildStore store;

    @TempDir
    Path temp;
    /** Stands for /etc/shadow: a host file outside the agent's workspace. */
    private Path hostFile;

    @BeforeAll
    static void start() {
        registry = LoopbackRegistry.start();
        dynamo = LocalDynamo.start();
        s3 = LocalS3.start();
        s3.client().createBucket(r -> r.bucket(BUCKET));
        store = new BuildStore(dynamo.client(), LocalDynamo.TABLE, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        s3.close();
        dynamo.close();
        registry.close();
    }

    @BeforeEach
    void hostFile() throws IOException {
        hostFile = Files.writeString(Files.createDirectories(temp.resolve("host/etc")).resolve("shadow"),
                "FROM scratch\nLABEL leaked=" + MARKER + "\n");
    }

    private record Run(TaskRecord task, String output, Path work) {
    }

    /** Uploads the context, creates the build and runs the agent for its task as Main would, buildah as builder. */
    private Run run(String buildId, String yaml, Map<String, String> files, Map<String, String> symlinks) throws IOException {
        byte[] archive = ContextArchives.tarGz(files, Map.of(), symlinks);
        String key = "contexts/" + Digests.sha256(archive).substring(7) + ".tar.gz";
        s3.client().putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(archive));
        BuildPlan plan = BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml",
                yaml.formatted(registry.host() + "/" + buildId + "/app:1")))).builds().getFirst().plan();
        Builds.create(store, BuildRecord.queued(buildId, plan, key, "arn:aws:iam::1:user/ci", Map.of(), Instant.now(), null),
                plan.tasks().stream().map(t -> TaskRecord.pending(buildId, t.id(), t.arch().key())).toList());

        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
        var spec = TaskSpecs.fromStore(store, BUCKET, buildId, "amd64");
        AgentLog log = new AgentLog(out, Clock.systemUTC(), buildId, "amd64", "amd64");
        Path work = Files.createDirectories(temp.resolve(buildId));
        Path dockerConfig = work.resolve("docker/config.json");
        new Agent(spec, new Agent.Paths(work.resolve("workspace"), dockerConfig, work.resolve("digest"),
                work.resolve("bakery-secrets"), SafeExtractor.Limits.DEFAULT), new ContextFetcher(s3.client(), 64 << 20),
                RegistryCredentials.none(), null, new BuildahBuilder("buildah", work.resolve("storage"), work.resolve("run"), dockerConfig),
                new StoreResultSink(store, buildId, "amd64", "local/" + buildId), new ProcessRunner(log), log, Clock.systemUTC()).run();
        return new Run(store.task(buildId, "amd64").orElseThrow(), output.toString(StandardCharsets.UTF_8), work);
    }

    /** Failed with {@code why}; buildah never ran (its storage was never made); nothing pushed; the marker nowhere. */
    private static void assertStoppedBeforeTheBuilder(Run run, String buildId, String why) throws IOException {
        assertThat(run.task().status()).as(run.output()).isEqualTo(TaskStatus.FAILED);
        assertThat(run.task().error()).contains(why);
        assertThat(run.work().resolve("storage")).doesNotExist();
        assertThat(run.output()).doesNotContain(MARKER);
        BuildPlan plan = store.build(buildId).orElseThrow().plan();
        assertThat(new RegistryClient(RegistryCredentials.none()).head(plan.tasks().getFirst().destinations().getFirst())).isEmpty();
    }

    @Test
    void aContextWhoseDockerfileIsASymlinkToAHostFileFailsTheTask() throws Exception {
        Run run = run("b-link-dockerfile", "bake: [{arch: amd64, kaniko: {destination: \"%s\"}}]",
                Map.of("README", "hello"), Map.of("Dockerfile", hostFile.toString()));
        assertStoppedBeforeTheBuilder(run, "b-link-dockerfile", "refusing entry \"Dockerfile\": symlink target \"" + hostFile
                + "\" leaves the workspace");
    }

    @Test
    void aContextWhoseDockerfileClimbsOutThroughARelativeSymlinkFailsTheTask() throws Exception {
        Run run = run("b-relative-link", "bake: [{arch: amd64, kaniko: {destination: \"%s\"}}]",
                Map.of("README", "hello"), Map.of("Dockerfile", "../../host/etc/shadow"));
        assertStoppedBeforeTheBuilder(run, "b-relative-link", "leaves the workspace");
    }

    @Test
    void aContextDirectoryThatIsASymlinkToTheRootFailsTheTask() throws Exception {
        Run run = run("b-link-root", "bake: [{arch: amd64, kaniko: {destination: \"%s\", context-path: app}}]",
                Map.of("README", "hello"), Map.of("app", "/"));
        assertStoppedBeforeTheBuilder(run, "b-link-root", "refusing entry \"app\": symlink target \"/\" leaves the workspace");
    }

    @Test
    void aPreScriptThatLinksTheDockerfileToAHostFileFailsBeforeTheBuilder() throws Exception {
        Run run = run("b-prescript-link", """
                bake:
                - arch: amd64
                  pre-script: ln -sf %s Dockerfile
                  kaniko: {destination: "%%s"}
                """.formatted(hostFile), Map.of("Dockerfile", "FROM scratch\n"), Map.of());
        assertStoppedBeforeTheBuilder(run, "b-prescript-link", "the Dockerfile \"Dockerfile\" resolves to " + hostFile
                + ", outside the workspace (a symbolic link leads out): refusing to build");
    }

    @Test
    void aPreScriptThatLinksTheContextDirectoryToTheRootFailsBeforeTheBuilder() throws Exception {
        Run run = run("b-prescript-root", """
                bake:
                - arch: amd64
                  pre-script: rm -rf app && ln -s / app
                  kaniko: {destination: "%s", context-path: app, dockerfile: ../Dockerfile}
                """, Map.of("Dockerfile", "FROM scratch\n", "app/README", "hello"), Map.of());
        assertStoppedBeforeTheBuilder(run, "b-prescript-root", "the build context \"app\" resolves to /, outside the workspace");
    }
}
