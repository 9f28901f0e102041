package dev.bakery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.cli.testing.AgentPlay;
import dev.bakery.cli.testing.Cli;
import dev.bakery.cli.testing.LiveBakery;
import dev.bakery.cli.testing.LoopbackBakery;
import dev.bakery.cli.testing.Repos;
import dev.bakery.core.BakeryConfigException;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import dev.bakery.core.status.BuildStatus;
import dev.bakery.core.status.TaskStatus;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The other commands, the dry run, validation, and the exit code of each kind of failure. */
class CommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DIGEST = "sha256:" + "d".repeat(64);

    @RegisterExtension
    static final LiveBakery SERVER = new LiveBakery();

    @TempDir
    Path dir;

    /** The CLI's home holds the local mode's endpoint file naming the loopback server, with the keys it checks. */
    @BeforeEach
    void endpointFile() {
        SERVER.bakery().writeEndpointFile(dir.resolve("home").resolve(".bakery").resolve("local"));
    }

    private Cli.Result bakery(Map<String, String> env, String... args) {
        return new Cli(env, dir.resolve("home")).run(args);
    }

    private Cli.Result bakery(String... args) {
        return bakery(Map.of(), args);
    }

    private String endpoint() {
        return SERVER.bakery().rest().toString();
    }

    /** A finished build with two lines, submitted by the CLI itself. */
    private String finishedBuild(String tag) {
        Path repo = Repos.repo(dir.resolve("repo-" + tag), Repos.TWO_ARCH_CONFIG.replace("1.0", tag));
        var before = SERVER.play().builds();
        Cli.Result submitted = bakery("build", "--repo", repo.toString(), "--config", repo.resolve("config.yaml").toString(),
                "--endpoint", endpoint(), "--detach");
        assertThat(submitted.exit()).as(submitted.err()).isZero();
        String id = SERVER.play().awaitSubmitted(before);
        SERVER.play().running(id);
        for (String task : List.of("amd64", "arm64")) {
            SERVER.play().startTask(id, task);
            SERVER.play().line(id, task, task, "build", "STEP 1/1: COPY on " + task);
            SERVER.play().finishTask(id, task, TaskStatus.SUCCEEDED, DIGEST);
        }
        SERVER.play().finishBuild(id, BuildStatus.SUCCEEDED, DIGEST);
        return id;
    }

    @Test
    void statusLogsAndListShowAFinishedBuild() throws Exception {
        String id = finishedBuild("7.0");

        Cli.Result status = bakery("status", id, "--endpoint", endpoint());
        assertThat(status.exit()).isZero();
        assertThat(status.out()).startsWith(id + "  SUCCEEDED  service default\n").contains("  amd64  SUCCEEDED  " + DIGEST + "  on " + AgentPlay.FARGATE_TASKS + "amd64\n");

        Cli.Result json = bakery(Map.of("LOG_FORMAT", "json"), "status", id, "--endpoint", endpoint());
        JsonNode view = JSON.readTree(json.out());
        assertThat(view.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(view.get("requester").asText()).isEqualTo(LoopbackBakery.PRINCIPAL);

        Cli.Result logs = bakery("logs", id, "--endpoint", endpoint());
        assertThat(logs.exit()).isZero();
        assertThat(logs.out()).isEqualTo("[amd64] build: STEP 1/1: COPY on amd64\n[arm64] build: STEP 1/1: COPY on arm64\n");

        Cli.Result followed = bakery("logs", id, "--follow", "--endpoint", endpoint());
        assertThat(followed.exit()).isZero();
        assertThat(followed.out()).contains("[arm64] build: STEP 1/1: COPY on arm64\n").contains("build " + id + " SUCCEEDED");

        Cli.Result list = bakery("list", "--endpoint", endpoint(), "--status", "succeeded");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).containsPattern(id + " +SUCCEEDED +default");
    }

    @Test
    void cancelStopsAQueuedBuildAndRefusesAFinishedOne() {
        Path repo = Repos.repo(dir.resolve("to-cancel"), Repos.TWO_ARCH_CONFIG.replace("1.0", "8.0"));
        var before = SERVER.play().builds();
        bakery("build", "--repo", repo.toString(), "--config", repo.resolve("config.yaml").toString(), "--endpoint", endpoint(), "--detach");
        String id = SERVER.play().awaitSubmitted(before);

        Cli.Result cancelled = bakery("cancel", id, "--endpoint", endpoint());
        assertThat(cancelled.exit()).isZero();
        assertThat(cancelled.out()).isEqualTo(id + " CANCELLED\n");
        assertThat(SERVER.bakery().harness.store.build(id).orElseThrow().status()).isEqualTo(BuildStatus.CANCELLED);

        String done = finishedBuild("9.0");
        Cli.Result refused = bakery("cancel", done, "--endpoint", endpoint());
        assertThat(refused.exit()).isEqualTo(ExitCodes.INFRASTRUCTURE); // 409: the API says why
        assertThat(refused.err()).startsWith("bakery: ").contains(done);
    }

    /** One JSON document: the plans as core writes them and every file that would be sent, sorted; nothing submitted. */
    @Test
    void dryRunPrintsOneJsonDocumentAndSubmitsNothing() throws Exception {
        Path repo = Repos.repo(dir.resolve("dry"), Repos.TWO_ARCH_CONFIG);
        int requests = SERVER.bakery().requests.size();

        Cli.Result result = bakery("build", "--repo", repo.toString(), "--config", repo.resolve("config.yaml").toString(),
                "--endpoint", endpoint(), "--dry-run", "--output", "json");

        assertThat(result.exit()).as(result.err()).isZero();
        JsonNode document = JSON.readTree(result.out()); // fails on anything after the one document
        assertThat(result.out().strip().lines()).hasSize(1);
        assertThat(document.get("plans")).hasSize(1);
        JsonNode plan = document.get("plans").get(0);
        assertThat(plan.get("service").asText()).isEqualTo("default");
        assertThat(plan.get("tasks")).extracting(t -> t.get("arch").asText()).containsExactly("amd64", "arm64");
        assertThat(plan.at("/index/destinations/0").asText()).isEqualTo("registry.example.com/team/app:1.0");
        assertThat(document.get("contexts")).hasSize(1);
        JsonNode context = document.get("contexts").get(0);
        assertThat(context.get("services")).extracting(JsonNode::asText).containsExactly("default");
        assertThat(context.get("sha256").asText()).matches("[0-9a-f]{64}");
        assertThat(context.get("bytes").asLong()).isPositive();
        assertThat(context.get("files")).extracting(JsonNode::asText).containsExactly("Dockerfile", "config.yaml", "src/", "src/main.txt");
        assertThat(SERVER.bakery().requests).hasSize(requests);

        Cli.Result text = bakery("build", "--repo", repo.toString(), "--dry-run");
        assertThat(text.exit()).isZero();
        assertThat(text.out()).contains("plan default:").contains("context: 3 files, ").contains("sha256 " + context.get("sha256").asText())
                .contains("nothing submitted");
    }

    /**
     * Compose services with their own build contexts: each upload holds what Docker sends for that
     * context (its files filtered by its own .dockerignore, plus its Dockerfile), and each build is
     * submitted with its own upload.
     */
    @Test
    void eachComposeContextIsUploadedAsDockerWouldSendIt() throws Exception {
        Path repo = dir.resolve("contexts");
        Files.createDirectories(repo);
        Files.writeString(repo.resolve("compose.yaml"), """
                services:
                  api:
                    image: registry.example.com/team/api:1
                    build: ./api
                  web:
                    image: registry.example.com/team/web:1
                    build:
                      context: ./web
                      dockerfile: ../docker/web.Dockerfile
                """);
        for (String name : List.of("api/Dockerfile", "api/main.txt", "api/notes.md", "web/index.html",
                "docker/web.Dockerfile", "docker/other.Dockerfile", "README.md")) {
            Files.createDirectories(repo.resolve(name).getParent());
            Files.writeString(repo.resolve(name), name);
        }
        Files.writeString(repo.resolve("api/.dockerignore"), "*.md\n");

        Cli.Result dry = bakery("build", "--repo", repo.toString(), "--compose", repo.resolve("compose.yaml").toString(),
                "--dry-run", "-o", "json");
        assertThat(dry.exit()).as(dry.err()).isZero();
        JsonNode contexts = JSON.readTree(dry.out()).get("contexts");
        assertThat(contexts).hasSize(2);
        assertThat(contexts.get(0).get("services")).extracting(JsonNode::asText).containsExactly("api");
        assertThat(contexts.get(0).get("files")).extracting(JsonNode::asText)
                .containsExactly("api/", "api/.dockerignore", "api/Dockerfile", "api/main.txt");
        assertThat(contexts.get(1).get("services")).extracting(JsonNode::asText).containsExactly("web");
        assertThat(contexts.get(1).get("files")).extracting(JsonNode::asText)
                .containsExactly("docker/", "docker/web.Dockerfile", "web/", "web/index.html");

        var before = SERVER.play().builds();
        Cli.Result submitted = bakery("build", "--repo", repo.toString(), "--compose", repo.resolve("compose.yaml").toString(),
                "--endpoint", endpoint(), "--detach");
        assertThat(submitted.exit()).as(submitted.err()).isZero();
        assertThat(submitted.err() + submitted.out()).contains("context of api uploaded: contexts/" + contexts.get(0).get("sha256").asText())
                .contains("context of web uploaded: contexts/" + contexts.get(1).get("sha256").asText());
        List<String> keys = SERVER.play().builds().stream().filter(id -> !before.contains(id))
                .map(id -> SERVER.bakery().harness.store.build(id).orElseThrow().contextKey()).toList();
        assertThat(keys).containsExactlyInAnyOrder("contexts/" + contexts.get(0).get("sha256").asText() + ".tar.gz",
                "contexts/" + contexts.get(1).get("sha256").asText() + ".tar.gz");
    }

    @Test
    void platformKeepsTheRequestedArchAndPushesItStraightToTheDestination() throws Exception {
        Path repo = Repos.repo(dir.resolve("arm"), Repos.TWO_ARCH_CONFIG);
        Cli.Result result = bakery("build", "--repo", repo.toString(), "--platform", "linux/arm64", "--dry-run", "-o", "json");
        assertThat(result.exit()).as(result.err()).isZero();
        JsonNode plan = JSON.readTree(result.out()).get("plans").get(0);
        assertThat(plan.get("tasks")).singleElement().satisfies(t -> {
            assertThat(t.get("arch").asText()).isEqualTo("arm64");
            assertThat(t.at("/destinations/0").asText()).isEqualTo("registry.example.com/team/app:1.0");
        });
        assertThat(plan.has("index")).isFalse();

        Cli.Result missing = bakery("build", "--repo", Repos.repo(dir.resolve("amd"), "bake: [{arch: amd64, kaniko: {destination: r.example.com/a:1}}]\n").toString(),
                "--platform", "arm64", "--dry-run");
        assertThat(missing.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).isEqualTo("--platform: default has no linux/arm64 build (its config builds linux/amd64);"
                + " add the arch to the config or leave it out of --platform\n");
    }

    /** validate prints core's problems exactly, and exits 2; build stops there too, before any request. */
    @Test
    void configErrorsExitTwoWithCoresMessages() throws Exception {
        String config = """
                global:
                  kaniko:
                    destination: registry.example.com/team/app:1.0
                bake:
                  - arch: amd65
                    build_args: {A: b}
                """;
        Path repo = Repos.repo(dir.resolve("bad"), config);
        String expected;
        try {
            BuildPlanner.plan(PlanRequest.ofConfig(new SourceFile(repo.resolve("config.yaml").toString(), config, "")));
            throw new AssertionError("core accepted the bad config");
        } catch (BakeryConfigException e) {
            expected = e.getMessage();
        }
        int requests = SERVER.bakery().requests.size();

        Cli.Result validate = bakery("validate", "--config", repo.resolve("config.yaml").toString(), "--repo", repo.toString());
        assertThat(validate.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(validate.err()).isEqualTo(expected + "\n");
        assertThat(validate.err()).startsWith(repo.resolve("config.yaml") + ":6:5: bake[0].build_args: unknown key");

        Cli.Result build = bakery("build", "--config", repo.resolve("config.yaml").toString(), "--repo", repo.toString(),
                "--endpoint", endpoint());
        assertThat(build.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(build.err()).isEqualTo(expected + "\n");
        assertThat(SERVER.bakery().requests).hasSize(requests);

        Cli.Result good = bakery("validate", "--repo", Repos.repo(dir.resolve("good"), Repos.TWO_ARCH_CONFIG).toString());
        assertThat(good.exit()).isZero();
        assertThat(good.out()).contains("default: linux/amd64 on ecs → registry.example.com/team/app:1.0_amd64")
                .endsWith("valid: 1 build\n");
    }

    @Test
    void usageErrorsExitTwo() {
        Path repo = Repos.repo(dir.resolve("usage"), Repos.TWO_ARCH_CONFIG);
        assertThat(bakery("build", "--no-such-flag").exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(bakery().exit()).isEqualTo(ExitCodes.USAGE);

        Cli.Result noEndpoint = bakery("build", "--repo", repo.toString());
        assertThat(noEndpoint.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(noEndpoint.err()).contains("no API endpoint: pass --endpoint URL, --endpoint local");

        Cli.Result badFormat = bakery(Map.of("LOG_FORMAT", "fancy"), "build", "--repo", repo.toString(), "--dry-run");
        assertThat(badFormat.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(badFormat.err()).isEqualTo("bakery: LOG_FORMAT: unknown output format \"fancy\" (use simple, plain or json)\n");

        Cli.Result notABuild = bakery("status", "not-a-build", "--endpoint", endpoint());
        assertThat(notABuild.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(notABuild.err()).contains("\"not-a-build\" is not a build id");

        Cli.Result unknown = bakery("status", "b-20260101T000000-abcdefgh-default", "--endpoint", endpoint());
        assertThat(unknown.exit()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void anUnreachableApiExitsThree() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        // A bakery-local that died without removing its endpoint file.
        Path stale = Files.createDirectories(dir.resolve("stale"));
        Files.writeString(stale.resolve("endpoint.json"), Files.readString(dir.resolve("home/.bakery/local/endpoint.json"))
                .replace(SERVER.bakery().rest().toString(), "http://127.0.0.1:" + closedPort));
        Cli.Result result = bakery(Map.of("BAKERY_LOCAL_DIR", stale.toString()), "list", "--endpoint", "local");
        assertThat(result.exit()).isEqualTo(ExitCodes.INFRASTRUCTURE);
        assertThat(result.err()).startsWith("bakery: GET http://127.0.0.1:" + closedPort + "/builds failed after 5 attempts: ConnectException");

        Cli.Result local = bakery(Map.of("BAKERY_LOCAL_DIR", dir.resolve("nothing").toString()), "list", "--endpoint", "local");
        assertThat(local.exit()).isEqualTo(ExitCodes.INFRASTRUCTURE);
        assertThat(local.err()).contains("the local mode is not running").contains("bakery local");
    }

    @Test
    void endpointLocalReadsTheLocalModesEndpointFileAndSignsWithItsKeys() throws Exception {
        Path localDir = SERVER.bakery().writeEndpointFile(dir.resolve("local")).getParent();
        String id = finishedBuild("10.0");
        Cli.Result result = bakery(Map.of("BAKERY_LOCAL_DIR", localDir.toString(), "BAKERY_ENDPOINT", "local"), "status", id);
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).startsWith(id + "  SUCCEEDED");

        // Keys other than the run's: the server refuses (it checks every signature), the CLI says so.
        Files.writeString(localDir.resolve("endpoint.json"), Files.readString(localDir.resolve("endpoint.json"))
                .replace(LoopbackBakery.KEYS.secretAccessKey(), "x".repeat(40)));
        Cli.Result wrongKeys = bakery(Map.of("BAKERY_LOCAL_DIR", localDir.toString()), "status", id, "--endpoint", "local");
        assertThat(wrongKeys.exit()).isEqualTo(ExitCodes.INFRASTRUCTURE);
        assertThat(wrongKeys.err()).contains("signature");

        // An endpoint file without keys (an older bakery-local): restart it.
        Files.writeString(localDir.resolve("endpoint.json"), "{\"rest\":\"" + SERVER.bakery().rest() + "\",\"pid\":1}");
        Cli.Result old = bakery(Map.of("BAKERY_LOCAL_DIR", localDir.toString()), "status", id, "--endpoint", "local");
        assertThat(old.err()).contains("holds no credentials").contains("restart bakery-local");
    }

    @Test
    void aLoopbackUrlTheEndpointFileDoesNotNameIsRefusedWithWhatToUse() {
        Cli.Result result = bakery("list", "--endpoint", "http://127.0.0.1:9");
        assertThat(result.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).startsWith("bakery: http://127.0.0.1:9 is a local address").contains("use --endpoint local");
    }

    @Test
    void versionAndHelp() {
        Cli.Result version = bakery("version");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).matches("bakery 0\\.1\\.0-SNAPSHOT \\(commit [0-9a-f]{12}(, modified)?\\) on Java .*\n");
        Cli.Result help = bakery("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("build", "validate", "status", "logs", "cancel", "list", "version", "completion",
                "Exit codes:");
        // Named, a subcommand runs without the others in the model; its help is its own.
        Cli.Result buildHelp = bakery("build", "--help");
        assertThat(buildHelp.exit()).isZero();
        assertThat(buildHelp.out()).startsWith("Usage: bakery build ").contains("--set", "--print");
    }
}
