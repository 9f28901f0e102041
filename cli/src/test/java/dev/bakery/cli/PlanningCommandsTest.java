package dev.bakery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.cli.testing.Cli;
import dev.bakery.cli.testing.Repos;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What needs no server: config discovery, {@code --set}, {@code --print}, {@code validate -o json} and
 * the shell completion script, each as the user sees it (exit code, stdout, stderr).
 */
class PlanningCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String COMPOSE = """
            services:
              api:
                image: registry.example.com/team/api:2.0
                build:
                  context: .
                  x-bake:
                    platforms: [linux/amd64, linux/arm64]
              web:
                image: registry.example.com/team/web:2.0
                build:
                  context: .
            """;

    @TempDir
    Path dir;

    private Cli.Result bakery(String... args) {
        return new Cli(Map.of(), dir.resolve("home")).run(args);
    }

    /** A repository holding a Dockerfile and the given files (name, text, name, text, ...). */
    private Path repo(String... files) throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Files.writeString(repo.resolve("Dockerfile"), "FROM scratch\n");
        for (int i = 0; i < files.length; i += 2) {
            Files.writeString(repo.resolve(files[i]), files[i + 1]);
        }
        return repo;
    }

    private static JsonNode task(JsonNode plan, String id) {
        for (JsonNode task : plan.get("tasks")) {
            if (task.get("id").asText().equals(id)) {
                return task;
            }
        }
        throw new AssertionError("no task " + id + " in " + plan);
    }

    @Test
    void bakeryYamlIsFoundWithoutConfig() throws Exception {
        Path repo = repo("bakery.yaml", Repos.TWO_ARCH_CONFIG);

        Cli.Result result = bakery("validate", "--repo", repo.toString());

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains("index → registry.example.com/team/app:1.0").endsWith("valid: 1 build\n");
    }

    @Test
    void aComposeFileFoundSoIsReadAsCompose() throws Exception {
        Path repo = repo("docker-compose.yml", COMPOSE);

        Cli.Result result = bakery("validate", "--repo", repo.toString(), "--services", "web");

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("web: linux/amd64 on ecs → registry.example.com/team/web:2.0").endsWith("valid: 1 build\n");
    }

    @Test
    void twoCandidatesAreAnErrorNamingBoth() throws Exception {
        Path repo = repo("bakery.yaml", Repos.TWO_ARCH_CONFIG, "compose.yaml", COMPOSE);

        Cli.Result result = bakery("build", "--print", "--repo", repo.toString());

        assertThat(result.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("found bakery.yaml and compose.yaml in " + repo.toAbsolutePath(),
                "--config FILE or --compose FILE");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void noCandidateNamesWhatWasLookedFor() throws Exception {
        Path repo = repo();

        Cli.Result result = bakery("validate", "--repo", repo.toString());

        assertThat(result.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("looked for bakery.yaml, bakery.yml, config.yaml, compose.yaml, compose.yml,"
                + " docker-compose.yaml, docker-compose.yml");
    }

    @Test
    void setOverridesTheMatchingTasksAndWinsOverTheFile() throws Exception {
        Path repo = repo("bakery.yaml", """
                global:
                  kaniko:
                    destination: registry.example.com/team/app:1.0
                    build-args: {X: from-file, KEEP: kept}
                bake:
                  - arch: amd64
                    kaniko: {target: dev}
                  - arch: arm64
                """);

        Cli.Result result = bakery("build", "--print", "-o", "json", "--repo", repo.toString(),
                "--set", "amd64.kaniko.target=prod", "--set", "*.kaniko.build-args.X=Y", "--set", "*.kaniko.tags=latest,stable",
                "--set", "arm64.cpu=2");

        assertThat(result.exit()).as(result.err()).isZero();
        JsonNode plan = JSON.readTree(result.out()).get("plans").get(0);
        assertThat(task(plan, "amd64").get("kaniko").get("target").asText()).isEqualTo("prod");
        assertThat(task(plan, "arm64").get("kaniko").path("target").isTextual()).isFalse();
        for (String id : List.of("amd64", "arm64")) {
            assertThat(task(plan, id).get("kaniko").get("buildArgs").toString()).isEqualTo("{\"KEEP\":\"kept\",\"X\":\"Y\"}");
        }
        assertThat(task(plan, "arm64").get("resources").get("milliCpu").asInt()).isEqualTo(2000);
        assertThat(task(plan, "amd64").get("resources").get("milliCpu").asInt()).isNotEqualTo(2000);
        assertThat(plan.get("index").get("destinations").toString()).isEqualTo("[\"registry.example.com/team/app:1.0\","
                + "\"registry.example.com/team/app:latest\",\"registry.example.com/team/app:stable\"]");
    }

    @Test
    void setTargetsComposeServicesAndArchs() throws Exception {
        Path repo = repo("compose.yaml", COMPOSE);

        Cli.Result result = bakery("build", "--print", "-o", "json", "--repo", repo.toString(),
                "--set", "api.kaniko.target=api-prod", "--set", "arm64.kaniko.build-args.ARCH=arm");

        assertThat(result.exit()).as(result.err()).isZero();
        JsonNode plans = JSON.readTree(result.out()).get("plans");
        JsonNode api = plans.get(0);
        JsonNode web = plans.get(1);
        assertThat(api.get("service").asText()).isEqualTo("api");
        assertThat(task(api, "amd64").get("kaniko").get("target").asText()).isEqualTo("api-prod");
        assertThat(task(api, "arm64").get("kaniko").get("buildArgs").get("ARCH").asText()).isEqualTo("arm");
        assertThat(task(api, "amd64").get("kaniko").get("buildArgs").has("ARCH")).isFalse();
        assertThat(task(web, "amd64").get("kaniko").path("target").isTextual()).isFalse();
    }

    @Test
    void badOverridesAreReportedTogetherNamingTheFlag() throws Exception {
        Path repo = repo("bakery.yaml", Repos.TWO_ARCH_CONFIG);

        Cli.Result result = bakery("validate", "--repo", repo.toString(), "--set", "amd64.kaniko.targt=prod",
                "--set", "x86.cpu=2", "--set", "arm64.kaniko-credentials=x", "--set", "*.timeout=soon");

        assertThat(result.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains(
                "--set: amd64.kaniko.targt: unknown key \"targt\": did you mean \"target\"?",
                "--set: x86.cpu: no build target \"x86\" (targets: *, default, amd64, arm64)",
                "--set: arm64.kaniko-credentials: \"kaniko-credentials\" cannot be set with --set (a list of entries)");

        Cli.Result malformed = bakery("validate", "--repo", repo.toString(), "--set", "target=prod");
        assertThat(malformed.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(malformed.err()).contains("--set: target=prod: expected TARGET.KEY=VALUE");
    }

    @Test
    void printNeitherPacksNorUploads() throws Exception {
        Path repo = repo("bakery.yaml", Repos.TWO_ARCH_CONFIG);
        // A FIFO cannot be packed: --dry-run fails on it, --print never looks.
        Process mkfifo = new ProcessBuilder("mkfifo", repo.resolve("pipe").toString()).start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).isTrue();

        Cli.Result print = bakery("build", "--print", "--repo", repo.toString(), "--endpoint", "http://127.0.0.1:9");
        Cli.Result dryRun = bakery("build", "--dry-run", "--repo", repo.toString());

        assertThat(print.exit()).as(print.err()).isZero();
        assertThat(print.out()).startsWith("plan default:\n{").contains("\"registry.example.com/team/app:1.0_arm64\"")
                .doesNotContain("sha256", "nothing submitted");
        assertThat(dryRun.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(dryRun.err()).contains("pipe");

        Cli.Result json = bakery("build", "--print", "-o", "json", "--repo", repo.toString());
        List<String> fields = new ArrayList<>();
        JSON.readTree(json.out()).fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("plans");
    }

    private static final String INLINE_PASSWORD_CONFIG = """
            global:
              kaniko-credentials:
              - registry: registry.example.com
                username: ci
                password: pl4nted-pa55word
              kaniko:
                destination: registry.example.com/team/app:1.0
            bake:
              - arch: amd64
            """;

    @Test
    void filesHoldingAnInlinePasswordAreLeftOutOfTheContextAndItIsPrintedNowhere() throws Exception {
        Path repo = repo("compose.yaml", """
                services:
                  app:
                    image: registry.example.com/team/app:1.0
                    build:
                      context: .
                """, "bakery.yaml", INLINE_PASSWORD_CONFIG,
                "kept.txt", "kept");

        Cli.Result dryRun = bakery("build", "--dry-run", "-o", "json", "--config", repo.resolve("bakery.yaml").toString(),
                "--compose", repo.resolve("compose.yaml").toString(), "--repo", repo.toString());
        Cli.Result print = bakery("build", "--print", "--config", repo.resolve("bakery.yaml").toString(),
                "--repo", repo.toString());

        assertThat(dryRun.exit()).as(dryRun.err()).isZero();
        JsonNode context = JSON.readTree(dryRun.out()).path("contexts").get(0);
        assertThat(context.path("files").toString()).contains("kept.txt", "Dockerfile").doesNotContain("bakery.yaml",
                "compose.yaml");
        assertThat(context.path("withheld").toString()).isEqualTo("[\"bakery.yaml\",\"compose.yaml\"]");
        assertThat(dryRun.err()).contains("left out of the upload: bakery.yaml, compose.yaml (read to plan a build with"
                + " an inline registry password");
        assertThat(print.exit()).as(print.err()).isZero();
        assertThat(dryRun.out() + dryRun.err() + print.out() + print.err()).doesNotContain("pl4nted-pa55word");
    }

    @Test
    void withoutAnInlinePasswordTheConfigIsUploadedAsBefore() throws Exception {
        Path repo = repo("bakery.yaml", Repos.TWO_ARCH_CONFIG);

        Cli.Result dryRun = bakery("build", "--dry-run", "-o", "json", "--repo", repo.toString());

        JsonNode context = JSON.readTree(dryRun.out()).path("contexts").get(0);
        assertThat(context.path("files").toString()).contains("bakery.yaml");
        assertThat(context.path("withheld")).isEmpty();
    }

    @Test
    void aDockerfileCopyingAFileReadToPlanABuildWithAnInlinePasswordIsRefusedBeforeAnyUpload() throws Exception {
        Path repo = repo("compose.yaml", """
                services:
                  app:
                    image: registry.example.com/team/app:${TAG}
                    build:
                      context: .
                """, "bakery.yaml", INLINE_PASSWORD_CONFIG,
                ".env", "TAG=1.0\n");
        Files.writeString(repo.resolve("Dockerfile"), "FROM scratch\nCOPY --chown=1:1 \\\n  .env /app/\n");

        Cli.Result dryRun = bakery("build", "--dry-run", "--config", repo.resolve("bakery.yaml").toString(),
                "--compose", repo.resolve("compose.yaml").toString(), "--repo", repo.toString());

        assertThat(dryRun.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(dryRun.err()).contains("bakery: Dockerfile line 2 copies \".env\", which is never uploaded: bakery read it"
                + " to plan a build with an inline registry password (password:)", "write secret: <name> instead of password:")
                .doesNotContain("pl4nted-pa55word");
    }

    @Test
    void validateJsonListsBuildsOrErrors() throws Exception {
        Path repo = repo("bakery.yaml", Repos.TWO_ARCH_CONFIG);

        Cli.Result valid = bakery("validate", "-o", "json", "--repo", repo.toString());

        assertThat(valid.exit()).as(valid.err()).isZero();
        assertThat(valid.out()).isEqualTo("""
                {"valid":true,"builds":[{"service":"default","tasks":[\
                {"id":"amd64","platform":"linux/amd64","runsOn":"ecs","destinations":["registry.example.com/team/app:1.0_amd64"]},\
                {"id":"arm64","platform":"linux/arm64","runsOn":"ecs","destinations":["registry.example.com/team/app:1.0_arm64"]}],\
                "index":["registry.example.com/team/app:1.0"]}],"errors":[],"warnings":[]}
                """);

        Files.writeString(repo.resolve("bakery.yaml"), Repos.TWO_ARCH_CONFIG + "  - arch: sparc\n");
        Cli.Result invalid = bakery("validate", "-o", "json", "--repo", repo.toString());

        assertThat(invalid.exit()).isEqualTo(ExitCodes.USAGE);
        JsonNode document = JSON.readTree(invalid.out());
        assertThat(document.get("valid").asBoolean()).isFalse();
        assertThat(document.get("builds")).isEmpty();
        JsonNode error = document.get("errors").get(0);
        assertThat(error.get("file").asText()).isEqualTo(repo.resolve("bakery.yaml").toString());
        assertThat(error.get("path").asText()).isEqualTo("bake[2].arch");
        assertThat(error.get("line").asInt()).isEqualTo(7);
        assertThat(error.get("text").asText()).startsWith(repo.resolve("bakery.yaml") + ":7:").contains("sparc");
        assertThat(invalid.err()).isEmpty();
    }

    @Test
    void bashCompletesCommandsAndFlags() throws Exception {
        Cli.Result script = bakery("completion", "bash");
        assertThat(script.exit()).isZero();
        Path file = Files.writeString(dir.resolve("bakery-completion.bash"), script.out());

        assertThat(complete(file, "bakery bu")).containsExactly("build");
        assertThat(complete(file, "bakery build --pr")).contains("--print", "--profile");
        assertThat(complete(file, "bakery validate --se")).containsExactlyInAnyOrder("--set", "--services");

        Cli.Result zsh = bakery("completion", "zsh");
        assertThat(zsh.out()).startsWith("autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n")
                .endsWith(script.out());
        Cli.Result fish = bakery("completion", "fish");
        assertThat(fish.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(fish.err()).contains("\"fish\" is not bash or zsh");
    }

    /** What bash offers after the given words, as TAB would: the script's completion function called by bash. */
    private List<String> complete(Path script, String line) throws Exception {
        String[] words = line.split(" ");
        String program = "source " + script + "\nCOMP_WORDS=(" + line + ")\nCOMP_CWORD=" + (words.length - 1)
                + "\nCOMP_LINE='" + line + "'\nCOMP_POINT=" + line.length()
                + "\n$(complete -p bakery | sed 's/.*-F \\([^ ]*\\).*/\\1/') bakery '" + words[words.length - 1] + "' '"
                + words[words.length - 2] + "'\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Process bash = new ProcessBuilder("bash", "-c", program)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start(); // compopt complains outside a real TAB
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
