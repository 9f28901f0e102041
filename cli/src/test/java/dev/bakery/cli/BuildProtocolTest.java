package dev.bakery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.cli.testing.AgentPlay;
import dev.bakery.cli.testing.Cli;
import dev.bakery.cli.testing.LiveBakery;
import dev.bakery.cli.testing.Repos;
import dev.bakery.testing.LoopbackAws;
import dev.bakery.core.status.BuildStatus;
import dev.bakery.core.status.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bakery build} end to end against the real REST and WebSocket code on loopback: upload,
 * submission, live lines and statuses, the summary, the metadata file and GitHub's outputs; a
 * socket dropped mid-build; polling when the socket cannot be had; failure; cancel on stop.
 */
class BuildProtocolTest {

    private static final String AMD64_DIGEST = "sha256:" + "a".repeat(64);
    private static final String ARM64_DIGEST = "sha256:" + "b".repeat(64);
    private static final String INDEX_DIGEST = "sha256:" + "c".repeat(64);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final LiveBakery SERVER = new LiveBakery();

    @TempDir
    Path dir;

    /** The CLI's home holds the local mode's endpoint file naming the loopback server, with the keys it checks. */
    @BeforeEach
    void endpointFile() {
        SERVER.bakery().writeEndpointFile(dir.resolve("home").resolve(".bakery").resolve("local"));
    }

    private Cli cli(Map<String, String> env) {
        return new Cli(env, dir.resolve("home"));
    }

    /** A CLI following a build of a fresh repository (its own tag, so its own context). */
    private record Following(Cli cli, CompletableFuture<Cli.Result> run, String id) {
    }

    private Following following(String tag, boolean subscribed, String... more) {
        Path repo = Repos.repo(dir.resolve(tag), Repos.TWO_ARCH_CONFIG.replace("1.0", tag));
        Cli cli = cli(Map.of());
        var before = SERVER.play().builds();
        CompletableFuture<Cli.Result> run = cli.start(build(repo, more));
        String id = SERVER.play().awaitSubmitted(before);
        if (subscribed) {
            cli.during(() -> SERVER.play().awaitSubscribed(id));
        }
        SERVER.play().running(id);
        return new Following(cli, run, id);
    }

    private String[] build(Path repo, String... more) {
        List<String> args = new ArrayList<>(List.of("build", "--repo", repo.toString(), "--config",
                repo.resolve("config.yaml").toString(), "--endpoint", SERVER.bakery().rest().toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** In a CI log (not a terminal) the upload and a quiet build each print whole lines, never a carriage return. */
    @Test
    void aQuietBuildSaysWhatItWaitsForEveryFewSeconds() throws Exception {
        Path repo = Repos.repo(dir.resolve("quiet"), Repos.TWO_ARCH_CONFIG.replace("1.0", "quiet"));
        Cli cli = cli(Map.of("BAKERY_PROGRESS_INTERVAL", "0.3"));
        var before = SERVER.play().builds();
        CompletableFuture<Cli.Result> run = cli.start(build(repo));
        String id = SERVER.play().awaitSubmitted(before);
        cli.during(() -> SERVER.play().awaitSubscribed(id));
        SERVER.play().running(id);
        SERVER.play().startTask(id, "amd64");

        cli.during(() -> AgentPlay.await(() -> cli.err().contains("waiting: " + id + " RUNNING (amd64 RUNNING"),
                "a waiting line naming the running task"));
        SERVER.play().startTask(id, "arm64");
        SERVER.play().finishTask(id, "amd64", TaskStatus.SUCCEEDED, AMD64_DIGEST);
        SERVER.play().finishTask(id, "arm64", TaskStatus.SUCCEEDED, ARM64_DIGEST);
        SERVER.play().finishBuild(id, BuildStatus.SUCCEEDED, INDEX_DIGEST);
        Cli.Result result = run.get(30, TimeUnit.SECONDS);

        assertThat(result.exit()).as(result.err()).isEqualTo(ExitCodes.OK);
        assertThat(result.err()).containsPattern("uploaded context: \\d+\\.\\d MiB in \\d+\\.\\d s \\(\\d+\\.\\d MiB/s\\)\n")
                .containsPattern("waiting: " + id + " RUNNING \\(amd64 RUNNING(, arm64 [A-Z]+)?\\), \\d+ s since submitted\n")
                .doesNotContain("\r");
        assertThat(result.out()).doesNotContain("waiting:", "\r");
    }

    /** Both arches build and push, the index is published: what the CI log, the metadata file and GitHub get. */
    @Test
    void followsABuildToItsEndAndReportsItsDigests() throws Exception {
        Path repo = Repos.repo(dir.resolve("repo"), Repos.TWO_ARCH_CONFIG);
        Path metadata = dir.resolve("out/metadata.json");
        Path outputs = Files.createFile(dir.resolve("github_output"));
        Path summary = Files.createFile(dir.resolve("github_summary"));
        Cli cli = cli(Map.of("GITHUB_ACTIONS", "true", "GITHUB_OUTPUT", outputs.toString(),
                "GITHUB_STEP_SUMMARY", summary.toString(), "GITHUB_SHA", "0123abc", "GITHUB_SERVER_URL", "https://github.com",
                "GITHUB_REPOSITORY", "acme/app", "GITHUB_RUN_ID", "42"));

        var before = SERVER.play().builds();
        CompletableFuture<Cli.Result> run = cli.start(build(repo, "--metadata-file", metadata.toString(), "--label", "team=web"));
        String id = SERVER.play().awaitSubmitted(before);
        cli.during(() -> SERVER.play().awaitSubscribed(id));
        SERVER.play().running(id);
        SERVER.play().startTask(id, "amd64");
        SERVER.play().startTask(id, "arm64");
        SERVER.play().line(id, "amd64", "amd64", "build", "STEP 1/2: FROM scratch");
        SERVER.play().line(id, "arm64", "arm64", "build", "STEP 1/2: FROM scratch");
        SERVER.play().line(id, "amd64", "amd64", "build", "STEP 2/2: COPY src/ /app/");
        SERVER.play().line(id, "amd64", "amd64", "build", "Pushing image to registry.example.com/team/app:1.0_amd64");
        SERVER.play().finishTask(id, "amd64", TaskStatus.SUCCEEDED, AMD64_DIGEST);
        SERVER.play().finishTask(id, "arm64", TaskStatus.SUCCEEDED, ARM64_DIGEST);
        SERVER.play().finishBuild(id, BuildStatus.SUCCEEDED, INDEX_DIGEST);
        Cli.Result result = run.get(30, TimeUnit.SECONDS);

        assertThat(result.exit()).as(result.err()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).contains("submitted default: " + id)
                .contains("[ecs][amd64] build: STEP 1/2: FROM scratch\n")
                .contains("[ecs][arm64] build: STEP 1/2: FROM scratch\n")
                .contains("[ecs][amd64] build: STEP 2/2: COPY src/ /app/\n")
                .contains("[ecs][amd64] SUCCEEDED " + AMD64_DIGEST)
                .contains("build " + id + " SUCCEEDED");
        assertThat(result.out()).doesNotContain("\u001b["); // not a terminal: no colour
        assertThat(lines(result.out(), "SERVICE")).singleElement().asString().matches("SERVICE +ARCH +STATUS +DIGEST +DURATION +COST");
        // 0.5 vCPU and 2 GB for Fargate's one-minute minimum: 60 s × (0.5 × $0.04048 + 2 × $0.004445) / 3600 on amd64.
        assertThat(result.out()).containsPattern("default +amd64 +SUCCEEDED +" + AMD64_DIGEST + " +42\\.0s +\\$0\\.0005\n")
                .containsPattern("default +arm64 +SUCCEEDED +" + ARM64_DIGEST + " +42\\.0s +\\$0\\.0004\n")
                .containsPattern("default +index +SUCCEEDED +" + INDEX_DIGEST)
                .contains("estimated cost: $0.0009 (Fargate us-east-1 list prices (region unknown), Spot at 70% off; docs/cost.md)\n");

        // The context went to S3 through the presigned PUT, and the build carries our labels.
        Matcher key = Pattern.compile("context uploaded: (contexts/[0-9a-f]{64}\\.tar\\.gz)").matcher(result.out());
        assertThat(key.find()).as(result.out()).isTrue();
        assertThat(SERVER.bakery().harness.contexts.exists(key.group(1))).isTrue();
        assertThat(SERVER.bakery().harness.store.build(id).orElseThrow().labels())
                .containsEntry("team", "web").containsEntry("git.sha", "0123abc")
                .containsEntry("ci.url", "https://github.com/acme/app/actions/runs/42");

        JsonNode meta = JSON.readTree(metadata.toFile()).get("default");
        assertThat(meta.get("containerimage.digest").asText()).isEqualTo(INDEX_DIGEST);
        assertThat(meta.get("image.name").asText()).isEqualTo("registry.example.com/team/app:1.0");
        assertThat(meta.get("bakery.build.id").asText()).isEqualTo(id);
        assertThat(meta.get("bakery.build.status").asText()).isEqualTo("SUCCEEDED");
        assertThat(meta.at("/bakery.tasks/arm64/digest").asText()).isEqualTo(ARM64_DIGEST);
        assertThat(meta.at("/bakery.tasks/arm64/ref").asText()).isEqualTo("registry.example.com/team/app@" + ARM64_DIGEST);
        assertThat(meta.at("/bakery.tasks/arm64/platform").asText()).isEqualTo("linux/arm64");

        assertThat(Files.readAllLines(outputs)).contains("digest=" + INDEX_DIGEST, "default-digest=" + INDEX_DIGEST,
                "build-id=" + id, "amd64-digest=" + AMD64_DIGEST, "default-arm64-digest=" + ARM64_DIGEST);
        String markdown = Files.readString(summary);
        assertThat(markdown).contains("| default | amd64 | ✅ SUCCEEDED | `" + AMD64_DIGEST + "` | 42.0s | $0.0005 on-demand |")
                .contains("| default | index | ✅ SUCCEEDED | `" + INDEX_DIGEST + "` | | |")
                .contains("Estimated cost: **$0.0009** (Fargate us-east-1 list prices (region unknown), Spot at 70% off)")
                .contains("```mermaid\ngantt\n    title default (" + id + ")\n    dateFormat x\n    axisFormat %M:%S\n    section ");
        // Each arch's bars in order, each from where the one before ends, then the index after the last task.
        String gantt = markdown.substring(markdown.indexOf("```mermaid"), markdown.indexOf("```\n", markdown.indexOf("```mermaid") + 3));
        assertThat(gantt).containsPattern("section amd64\n    queue [^\n]+\n    start [^\n]+\n    build [^\n]+\n    push [^\n]+\n")
                .containsPattern("section arm64\n    queue [^\n]+\n    start [^\n]+\n    build [^\n]+\n    section index\n    index [^\n]+\n$");
        long previousEnd = 0;
        String lane = "";
        for (String bar : gantt.lines().filter(l -> l.matches("    [a-z]+ .* : \\d+, \\d+")).toList()) {
            Matcher times = Pattern.compile(" : (\\d+), (\\d+)$").matcher(bar);
            assertThat(times.find()).isTrue();
            long start = Long.parseLong(times.group(1));
            long end = Long.parseLong(times.group(2));
            assertThat(end).as(bar).isGreaterThanOrEqualTo(start);
            if (bar.startsWith("    queue ")) {
                assertThat(start).as(bar).isZero();
            } else {
                assertThat(start).as(bar + " starts where the bar before ends").isEqualTo(previousEnd);
            }
            previousEnd = end;
            lane = bar;
        }
        assertThat(lane).startsWith("    index ");
        cli.activeBuilds().cancelAll(); // a hook after a finished build has nothing to cancel
        assertThat(SERVER.bakery().harness.store.build(id).orElseThrow().status()).isEqualTo(BuildStatus.SUCCEEDED);

        // The same tree again: the context is stored, nothing is uploaded twice.
        Cli again = cli(Map.of());
        CompletableFuture<Cli.Result> second = again.start(build(repo, "--detach"));
        assertThat(second.get(30, TimeUnit.SECONDS).out()).contains("context already uploaded: " + key.group(1));
    }

    /** The socket dies mid-build and the next connects are refused: every line still appears exactly once, in order. */
    @Test
    void aDroppedSocketLosesNoLineAndDoublesNone() throws Exception {
        Following following = following("2.0", true);
        Cli cli = following.cli();
        String id = following.id();
        SERVER.play().startTask(id, "amd64");
        List<String> sent = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            sent.add(say(id, "before the drop " + i));
        }
        int connectsBefore = SERVER.bakery().connects();
        SERVER.bakery().refuseConnects(2);
        assertThat(SERVER.bakery().dropSockets()).isEqualTo(1);
        for (int i = 1; i <= 3; i++) {
            sent.add(say(id, "while disconnected " + i));
        }
        cli.during(() -> AgentPlay.await(() -> SERVER.bakery().connects() > connectsBefore, "the CLI's reconnection"));
        cli.during(() -> SERVER.play().awaitSubscribed(id));
        for (int i = 1; i <= 3; i++) {
            sent.add(say(id, "after reconnecting " + i));
        }
        SERVER.play().finishTask(id, "amd64", TaskStatus.SUCCEEDED, AMD64_DIGEST);
        SERVER.play().startTask(id, "arm64");
        SERVER.play().finishTask(id, "arm64", TaskStatus.SUCCEEDED, ARM64_DIGEST);
        SERVER.play().finishBuild(id, BuildStatus.SUCCEEDED, INDEX_DIGEST);
        Cli.Result result = following.run().get(30, TimeUnit.SECONDS);

        assertThat(result.exit()).as(result.err()).isZero();
        List<String> printed = lines(result.out(), "[ecs][amd64] build: ");
        assertThat(printed).containsExactlyElementsOf(sent.stream().map(s -> "[ecs][amd64] build: " + s).toList());
        assertThat(result.out()).contains("bakery: live connection lost");
        assertThat(SERVER.bakery().requests).filteredOn(r -> r.equals("GET /builds/" + id + "/logs")).hasSizeGreaterThanOrEqualTo(2);
    }

    /** No WebSocket to be had: the CLI says so, polls, and still prints every line once. */
    @Test
    void pollsWhenTheSocketCannotBeHad() throws Exception {
        SERVER.bakery().refuseConnects(1000);
        try {
            Following following = following("3.0", false, "--output", "plain");
            Cli cli = following.cli();
            String id = following.id();
            SERVER.play().startTask(id, "amd64");
            String first = say(id, "polled line 1");
            AgentPlay.await(() -> cli.out().contains("polled line 1"), "the first polled line");
            String second = say(id, "polled line 2");
            SERVER.play().finishTask(id, "amd64", TaskStatus.SUCCEEDED, AMD64_DIGEST);
            SERVER.play().startTask(id, "arm64");
            SERVER.play().finishTask(id, "arm64", TaskStatus.SUCCEEDED, ARM64_DIGEST);
            SERVER.play().finishBuild(id, BuildStatus.SUCCEEDED, INDEX_DIGEST);
            Cli.Result result = following.run().get(30, TimeUnit.SECONDS);

            assertThat(result.exit()).as(result.err()).isZero();
            assertThat(result.out()).contains("following by polling instead");
            assertThat(result.out().lines().filter(l -> l.contains("[ecs][amd64] build: polled line"))).hasSize(2);
            assertThat(result.out()).containsPattern("\\d{4}-\\d\\d-\\d\\dT\\S+ INFO \\[ecs\\]\\[amd64\\] build: " + first + "\n")
                    .containsPattern("INFO \\[ecs\\]\\[amd64\\] build: " + second + "\n");
        } finally {
            SERVER.bakery().refuseConnects(0);
        }
    }

    @Test
    void aFailedTaskFailsTheBuildWithExitCodeOne() throws Exception {
        Following following = following("4.0", true, "--output", "json");
        String id = following.id();
        SERVER.play().startTask(id, "arm64");
        SERVER.play().line(id, "arm64", "arm64", "build", "error: no space left on device");
        SERVER.play().finishTask(id, "arm64", TaskStatus.FAILED, null);
        SERVER.play().startTask(id, "amd64");
        SERVER.play().finishTask(id, "amd64", TaskStatus.SUCCEEDED, AMD64_DIGEST);
        SERVER.play().finishBuild(id, BuildStatus.FAILED, null);
        Cli.Result result = following.run().get(30, TimeUnit.SECONDS);

        assertThat(result.exit()).isEqualTo(ExitCodes.BUILD_FAILED);
        List<JsonNode> objects = new ArrayList<>();
        for (String line : result.out().split("\n")) {
            objects.add(JSON.readTree(line)); // every line is one JSON object
        }
        assertThat(objects).anySatisfy(o -> {
            assertThat(o.get("type").asText()).isEqualTo("log");
            assertThat(o.get("msg").asText()).isEqualTo("error: no space left on device");
            assertThat(o.get("arch").asText()).isEqualTo("arm64");
        });
        JsonNode last = objects.getLast();
        assertThat(last.get("type").asText()).isEqualTo("result");
        assertThat(last.get("status").asText()).isEqualTo("FAILED");
        assertThat(last.get("tasks")).extracting(t -> t.get("taskId").asText() + "=" + t.get("status").asText())
                .containsExactlyInAnyOrder("amd64=SUCCEEDED", "arm64=FAILED");
        // The same figures as the table: per task vCPU- and GB-seconds and the price; the build's total; its phases.
        assertThat(last.get("tasks")).allSatisfy(t -> {
            assertThat(t.at("/cost/billedSeconds").asLong()).isEqualTo(60);
            assertThat(t.at("/cost/vcpuSeconds").asDouble()).isEqualTo(30.0);
            assertThat(t.at("/cost/gbSeconds").asDouble()).isEqualTo(120.0);
            assertThat(t.at("/cost/pricing").asText()).isEqualTo("on-demand");
        });
        assertThat(last.at("/cost/usd").asDouble()).isCloseTo(60 * (0.5 * 0.04048 + 2 * 0.004445 + 0.5 * 0.03238 + 2 * 0.00356) / 3600,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(last.at("/cost/pricedAs").asText()).isEqualTo("us-east-1");
        assertThat(last.get("timeline")).extracting(p -> p.get("lane").asText() + ":" + p.get("phase").asText())
                .contains("amd64:queue", "arm64:queue", "arm64:build").doesNotContain("index:index");
    }

    /** What the shutdown hook does on SIGINT/SIGTERM: the remote build is cancelled, its execution stopped. */
    @Test
    void stoppingTheCliCancelsTheBuildItFollows() throws Exception {
        Following following = following("5.0", true);
        String id = following.id();

        following.cli().activeBuilds().cancelAll(); // the shutdown hook's one call

        Cli.Result result = following.run().get(30, TimeUnit.SECONDS);
        assertThat(SERVER.bakery().harness.store.build(id).orElseThrow().status()).isEqualTo(BuildStatus.CANCELLED);
        assertThat(SERVER.bakery().harness.aws.executions()).filteredOn(e -> e.name().equals(id)).singleElement()
                .extracting(LoopbackAws.Execution::status).isEqualTo("ABORTED");
        assertThat(following.cli().err()).contains("bakery: interrupted: build " + id + " CANCELLED");
        assertThat(result.exit()).isEqualTo(ExitCodes.BUILD_FAILED);
        assertThat(result.out()).contains("build " + id + " CANCELLED");
    }

    @Test
    void detachSubmitsAndLeavesTheBuildRunning() throws Exception {
        Path repo = Repos.repo(dir.resolve("detached"), Repos.TWO_ARCH_CONFIG.replace("1.0", "6.0"));
        Cli cli = cli(Map.of());
        var before = SERVER.play().builds();
        Cli.Result result = cli.run(build(repo, "--detach", "--metadata-file", dir.resolve("m.json").toString()));
        assertThat(result.exit()).as(result.err()).isZero();
        String id = SERVER.play().awaitSubmitted(before);
        assertThat(result.out()).contains("submitted default: " + id).doesNotContain("SERVICE");
        cli.activeBuilds().cancelAll();
        assertThat(SERVER.bakery().harness.store.build(id).orElseThrow().status()).isEqualTo(BuildStatus.QUEUED);
        assertThat(JSON.readTree(dir.resolve("m.json").toFile()).at("/default/bakery.build.id").asText()).isEqualTo(id);
    }

    private static String say(String id, String text) {
        SERVER.play().line(id, "amd64", "amd64", "build", text);
        return text;
    }

    private static List<String> lines(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).toList();
    }
}
