package dev.bakery.core.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.core.samples.CommandLines.Command;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The CI samples are valid YAML, do what their comments promise (OIDC credentials, digests as
 * outputs, cancellation reaching bakery) and run bakery on a sample that exists.
 */
class CiPipelinesTest {

    private static final Path REPOSITORY = Samples.ROOT.getParent();

    @Nested
    class GitHubActions {

        private final Path file = Samples.path("ci/github-actions.yml");
        private final Map<String, Object> workflow = map(CommandLines.load(file));
        private final Map<String, Object> job = map(map(workflow.get("jobs")).get("build"));
        private final List<Object> steps = list(job.get("steps"));

        @Test
        void assumesTheDeploysRoleWithAnOidcTokenAndStoresNoKeys() {
            assertThat(map(workflow.get("permissions"))).containsEntry("id-token", "write");
            Map<String, Object> credentials = step("uses", "aws-actions/configure-aws-credentials@v4");
            assertThat(map(credentials.get("with"))).containsKey("role-to-assume")
                    .doesNotContainKeys("aws-access-key-id", "aws-secret-access-key");
        }

        /** The repository's action runs scripts/action-run, which execs bakery: a cancelled run's signal reaches it. */
        @Test
        void buildsWithExecSoThatCancellingTheRunCancelsTheBuild() throws Exception {
            Map<String, Object> bake = step("id", "bake");
            assertThat((String) bake.get("uses")).startsWith("acme/bakery-on-aws@v");
            assertThat(map(bake.get("with"))).containsKeys("stack", "region", "config", "repo").doesNotContainKey("command");
            List<String> script = java.nio.file.Files.readAllLines(REPOSITORY.resolve("scripts/action-run"));
            assertThat(script.getLast()).isEqualTo("exec bakery \"${args[@]}\" \"${extra[@]}\"");
        }

        /** The action's steps: validate, then build, of a sample of this repository. */
        @Test
        void validatesThenBuildsASampleThatExists() {
            List<Map<String, Object>> uses = steps.stream().map(CiPipelinesTest::map)
                    .filter(s -> String.valueOf(s.get("uses")).startsWith("acme/bakery-on-aws@")).map(s -> map(s.get("with"))).toList();
            assertThat(uses).extracting(with -> with.getOrDefault("command", "build")).containsExactly("validate", "build");
            for (Map<String, Object> with : uses) {
                String config = (String) with.get("config");
                assertThat(config).startsWith("samples/");
                assertThat(Samples.planConfig(config.substring("samples/".length())).builds()).isNotEmpty();
                assertThat(REPOSITORY.resolve((String) with.get("repo"))).isDirectory();
            }
        }

        @Test
        void exposesTheDigestTheBuildStepWrote() {
            assertThat(map(job.get("outputs"))).containsEntry("digest", "${{ steps.bake.outputs.digest }}");
        }

        private Map<String, Object> step(String key, String value) {
            return steps.stream().map(CiPipelinesTest::map).filter(s -> value.equals(s.get(key))).findFirst()
                    .orElseThrow(() -> new AssertionError("no step with " + key + ": " + value));
        }
    }

    @Nested
    class GitLab {

        private final Path file = Samples.path("ci/gitlab-ci.yml");
        private final Map<String, Object> job = map(map(CommandLines.load(file)).get("build-images"));

        @Test
        void exchangesAnIdTokenForTheRolesCredentials() {
            Map<String, Object> token = map(map(job.get("id_tokens")).get("AWS_ID_TOKEN"));
            assertThat(token).containsEntry("aud", "sts.amazonaws.com");
            assertThat(String.join("\n", strings(job.get("before_script"))))
                    .contains("AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN=\"$BAKERY_ROLE_ARN\"");
        }

        @Test
        void forwardsTheCancelSignalToBakery() {
            String build = strings(job.get("script")).stream().filter(s -> s.contains("bakery build")).findFirst().orElseThrow();
            assertThat(build).contains("&\n", "trap 'kill -TERM \"$bakery\"", "wait \"$bakery\"");
        }

        @Test
        void keepsTheBuildsMetadataAsAnArtifact() {
            Command build = CommandLines.inYaml(file).stream().filter(c -> c.subcommand().equals("build")).findFirst().orElseThrow();
            assertThat(build.value("--metadata-file")).isEqualTo("bakery-metadata.json");
            assertThat(list(map(job.get("artifacts")).get("paths"))).containsExactly("bakery-metadata.json");
        }

        private static List<String> strings(Object strings) {
            return list(strings).stream().map(String.class::cast).toList();
        }
    }

    /** GitLab's job validates, then builds, a sample of this repository: the config plans and --repo exists. */
    @Test
    void gitLabValidatesThenBuildsASampleThatExists() {
        List<Command> commands = CommandLines.inYaml(Samples.path("ci/gitlab-ci.yml"));
        assertThat(commands).extracting(Command::subcommand).containsExactly("validate", "build");
        for (Command command : commands) {
            String config = command.value("--config");
            if (config != null) {
                assertThat(config).as(command.toString()).startsWith("samples/");
                assertThat(Samples.planConfig(config.substring("samples/".length())).builds()).isNotEmpty();
            }
            String repo = command.value("--repo");
            if (repo != null) {
                assertThat(REPOSITORY.resolve(repo)).as(command.toString()).isDirectory();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        assertThat(node).isInstanceOf(Map.class);
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object node) {
        assertThat(node).isInstanceOf(List.class);
        return (List<Object>) node;
    }
}
