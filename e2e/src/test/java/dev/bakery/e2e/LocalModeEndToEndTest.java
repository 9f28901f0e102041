package dev.bakery.e2e;

import dev.bakery.testing.BakeryJars;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user does with the embedded default, with the jars a user runs: {@code bakery-local} as a
 * process (the same handlers, state machine file, agents with buildah, docker-registry on
 * 127.0.0.1:5000) and the {@code bakery} CLI as a process with {@code --endpoint local}. Needs root,
 * buildah, docker-registry, busybox-static and Node (the local module's build installs Node 22).
 * Ordered: later tests look at what earlier ones built (a re-run, a restart).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalModeEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;

    private static Path dataDir;
    private static Path localLog;
    private static Process local;
    private static final List<String> finished = new ArrayList<>();

    @BeforeAll
    static void startLocalMode() throws Exception {
        dataDir = work.resolve("data");
        localLog = work.resolve("bakery-local.log");
        local = BakeryJars.startLocal(dataDir, localLog);
    }

    @AfterAll
    static void stopLocalMode() throws Exception {
        if (local != null) {
            BakeryJars.stop(local);
        }
    }

    @Test
    @Order(1)
    void helloBuildsBothArchitecturesAndAnIndexThatTheRegistryServes() throws Exception {
        Path metadata = work.resolve("metadata.json");
        BakeryJars.Run run = BakeryJars.cli(dataDir, "build", "--config", "samples/hello/bakery.yaml", "--repo", "samples/hello",
                "--endpoint", "local", "--metadata-file", metadata.toString());

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("context uploaded: ", "[ecs][amd64] build: STEP 1/4: FROM scratch",
                "[ecs][arm64] build: STEP 1/4: FROM scratch", " SUCCEEDED");
        finished.add(run.buildId("default"));

        Registry.Document index = Registry.manifest("hello", "1.0").orElseThrow();
        assertThat(index.json().path("mediaType").asText()).isEqualTo("application/vnd.oci.image.index.v1+json");
        List<String> platforms = new ArrayList<>();
        for (JsonNode child : index.json().path("manifests")) {
            String platform = child.path("platform").path("os").asText() + "/" + child.path("platform").path("architecture").asText();
            platforms.add(platform);
            // Each child's own config says the same platform.
            Registry.Document image = Registry.manifest("hello", child.path("digest").asText()).orElseThrow();
            JsonNode config = Registry.blob("hello", image.json().path("config").path("digest").asText());
            assertThat(config.path("os").asText() + "/" + config.path("architecture").asText()).isEqualTo(platform);
        }
        assertThat(platforms).containsExactlyInAnyOrder("linux/amd64", "linux/arm64");

        JsonNode written = JSON.readTree(metadata.toFile()).path("default");
        assertThat(written.path("containerimage.digest").asText()).isEqualTo(index.digest());
        for (String arch : List.of("amd64", "arm64")) {
            String digest = written.path("bakery.tasks").path(arch).path("digest").asText();
            assertThat(Registry.manifest("hello", "1.0_" + arch).orElseThrow().digest()).isEqualTo(digest);
        }
    }

    @Test
    @Order(2)
    void theSameBuildAgainUploadsNoContextBytes() throws Exception {
        BakeryJars.Run run = BakeryJars.cli(dataDir, "build", "--config", "samples/hello/bakery.yaml", "--repo", "samples/hello",
                "--endpoint", "local");

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("context already uploaded: contexts/").doesNotContain("context uploaded: ");
        finished.add(run.buildId("default"));
    }

    @Test
    @Order(3)
    void aFailingRunFailsTheBuildShowsTheLineAndPushesNoIndex() throws Exception {
        Path fixture = fixture("half-failing");
        BakeryJars.Run run = BakeryJars.cli(dataDir, "build", "--config", fixture.resolve("bakery.yaml").toString(),
                "--repo", fixture.toString(), "--endpoint", "local");

        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("the-step-that-breaks", "FAILED");
        assertThat(run.output().lines().filter(l -> l.startsWith("default  arm64")).findFirst().orElseThrow())
                .as("the other arch still finished").contains("SUCCEEDED");
        assertThat(Registry.manifest("e2e-half-failing", "1")).as("no index").isEmpty();
        assertThat(Registry.manifest("e2e-half-failing", "1_arm64")).as("the arm64 image").isPresent();
        finished.add(run.buildId("default"));
    }

    @Test
    @Order(4)
    void sigtermToTheCliCancelsTheBuildAndLeavesNoAgentRunning() throws Exception {
        Path fixture = fixture("slow");
        Path log = work.resolve("slow.log");
        Process cli = BakeryJars.startCli(dataDir, log, "build", "--config", fixture.resolve("bakery.yaml").toString(),
                "--repo", fixture.toString(), "--endpoint", "local");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.readString(log).contains("sleeping")) {
            assertThat(cli.isAlive()).as(Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("the slow step started").isLessThan(deadline);
            Thread.sleep(200);
        }
        assertThat(agentProcesses()).as("an agent runs the slow step").isNotEmpty();

        cli.destroy(); // SIGTERM, as a cancelled CI job sends

        assertThat(cli.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(cli.exitValue()).as(output).isEqualTo(143);
        String buildId = new BakeryJars.Run(143, output).buildId("default");
        BakeryJars.Run status = BakeryJars.cli(dataDir, "status", buildId, "--endpoint", "local", "--output", "json");
        assertThat(JSON.readTree(status.output()).path("status").asText()).as(status.output()).isEqualTo("CANCELLED");
        long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!agentProcesses().isEmpty() && System.nanoTime() < settle) {
            Thread.sleep(200);
        }
        assertThat(agentProcesses()).as("agent, buildah and the RUN step are gone").isEmpty();
    }

    @Test
    @Order(5)
    void twoComposeServicesBuildConcurrentlyWithAsync() throws Exception {
        BakeryJars.Run run = BakeryJars.cli(dataDir, "build", "--compose", "samples/compose/compose.yaml", "--repo", "samples/compose",
                "--services", "api,web", "--async", "--endpoint", "local");

        assertThat(run.exit()).as(run.output()).isZero();
        String api = run.buildId("api");
        String web = run.buildId("web");
        assertThat(api).isNotEqualTo(web);
        assertThat(Registry.manifest("compose-api", "0.1.0")).isPresent();
        assertThat(Registry.manifest("compose-web", "0.1.0")).isPresent();
        finished.add(api);
        finished.add(web);
    }

    @Test
    @Order(6)
    void aRestartedBakeryLocalStillListsTheFinishedBuilds() throws Exception {
        BakeryJars.stop(local);
        local = BakeryJars.startLocal(dataDir, localLog);

        BakeryJars.Run list = BakeryJars.cli(dataDir, "list", "--endpoint", "local");

        assertThat(list.exit()).as(list.output()).isZero();
        assertThat(list.output()).contains(finished);
    }

    /**
     * The released CLI as scripts/install-cli installs it (from the archives the cli build made, checked
     * against SHA256SUMS), then every step of samples/ci's two pipelines as SamplePipelines runs them.
     */
    @Test
    @Order(7)
    void theSamplePipelinesStepsRunWithTheReleasedCli() throws Exception {
        Path release = BakeryJars.ROOT.resolve("cli/target/release");
        String version;
        try (Stream<Path> files = Files.list(release)) {
            version = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".zip")).findFirst().orElseThrow()
                    .replaceAll("^bakery-(.*)\\.zip$", "$1");
        }
        Path releases = Files.createDirectories(work.resolve("releases/v" + version));
        Path tampered = Files.createDirectories(work.resolve("tampered/v" + version));
        for (String file : List.of("bakery-" + version + ".tar.gz", "SHA256SUMS")) {
            Files.copy(release.resolve(file), releases.resolve(file));
            Files.copy(release.resolve(file), tampered.resolve(file));
        }
        Files.write(tampered.resolve("bakery-" + version + ".tar.gz"), new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);

        BakeryJars.Run refused = install(work.resolve("tampered"), version, work.resolve("cli-tampered"));
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.output()).contains("does not match its SHA256SUMS line: not installed");
        assertThat(work.resolve("cli-tampered/bin/bakery")).doesNotExist();

        BakeryJars.Run installed = install(work.resolve("releases"), version, work.resolve("cli"));
        assertThat(installed.exit()).as(installed.output()).isZero();
        Path bin = Path.of(installed.output().lines().reduce((a, b) -> b).orElseThrow());
        assertThat(bin).isEqualTo(work.resolve("cli/bin"));

        SamplePipelines pipelines = new SamplePipelines(bin, dataDir, work);
        Path summary = Files.createFile(work.resolve("step-summary.md"));
        List<SamplePipelines.Step> github = pipelines.github(BakeryJars.ROOT.resolve("samples/ci/github-actions.yml"), summary);
        assertThat(github).extracting(SamplePipelines.Step::name)
                .containsExactly("Check the config", "Build amd64 and arm64", "Use the digest", "Show the build");
        for (SamplePipelines.Step step : github) {
            assertThat(step.exit()).as(step.name() + ":\n" + step.output()).isZero();
        }
        assertThat(github.get(0).output()).contains("valid: 1 build");
        assertThat(github.get(2).output()).matches("pushed ghcr.io/acme/greeter@sha256:[0-9a-f]{64}\n");
        assertThat(github.get(3).output()).contains(" SUCCEEDED ");
        assertThat(Files.readString(summary)).contains("| default | amd64 | ✅ SUCCEEDED |", "```mermaid\ngantt\n",
                "Estimated cost: **$");

        SamplePipelines.Step gitlab = pipelines.gitlab(BakeryJars.ROOT.resolve("samples/ci/gitlab-ci.yml"));
        assertThat(gitlab.exit()).as(gitlab.output()).isZero();
        assertThat(gitlab.output()).contains("valid: 1 build", "build b-", " SUCCEEDED");
        JsonNode metadata = JSON.readTree(work.resolve("gitlab-checkout/bakery-metadata.json").toFile());
        assertThat(metadata.path("default").path("containerimage.digest").asText()).startsWith("sha256:");
    }

    private static BakeryJars.Run install(Path releases, String version, Path dir) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(BakeryJars.ROOT.resolve("scripts/install-cli").toString(), version, dir.toString())
                .redirectErrorStream(true);
        builder.environment().put("BAKERY_RELEASES", releases.toUri().toString().replaceAll("/$", ""));
        builder.environment().put("BAKERY_ARCHIVE", "plain");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new BakeryJars.Run(process.exitValue(), output);
    }

    private static Path fixture(String name) throws Exception {
        return Path.of(LocalModeEndToEndTest.class.getResource("/fixtures/" + name).toURI());
    }

    /** Processes that belong to a build: the agent JVM, buildah, and what buildah runs (from /proc). */
    private static List<String> agentProcesses() throws Exception {
        List<String> found = new ArrayList<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String command = Files.readString(process.resolve("cmdline")).replace('\0', ' ');
                    if (command.contains("dev.bakery.agent.Main") || command.contains(dataDir.toString() + "/tasks")
                            || command.contains("busybox sleep 300")) {
                        found.add(process.getFileName() + ": " + command);
                    }
                } catch (java.io.IOException gone) {
                    // ended while we looked
                }
            }
        }
        return found;
    }
}
