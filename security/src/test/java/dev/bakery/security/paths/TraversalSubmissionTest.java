package dev.bakery.security.paths;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.PlanJson;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import dev.bakery.functions.api.ApiResponse;
import dev.bakery.functions.testing.ApiHarness;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A caller skips the CLI and submits, straight to the real REST handler, a plan whose paths lead
 * out of the workspace: the tricks that put the host's /etc/shadow into an image in local mode.
 * Each is refused with 400, naming the field and the rule, and no build, execution or secret is
 * created.
 */
class TraversalSubmissionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static ApiHarness harness;
    private static String context;

    @BeforeAll
    static void start() {
        harness = new ApiHarness(1 << 20, 1L << 30);
        context = harness.uploadedContext("c".repeat(64));
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    /** A submission's answer, and how many builds, executions and secrets existed before it. */
    private record Attempt(ApiResponse response, int builds, int executions, int secrets) {
    }

    /** A valid plan's JSON (one build secret, one ignore path), changed by {@code attack} as a hand-made request would be. */
    private static Attempt submit(Consumer<ObjectNode> attack) throws Exception {
        ObjectNode plan = (ObjectNode) JSON.readTree(PlanJson.write(BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of(
                "config.yaml", """
                        bake:
                        - arch: amd64
                          kaniko: {destination: "registry.example.com/team/app:1", ignore-path: [/var/cache]}
                          secrets: [{id: npmrc, secret: team/npmrc}]
                        """))).builds().getFirst().plan()));
        attack.accept(plan);
        ObjectNode body = JSON.createObjectNode().put("context", context);
        body.set("plan", plan);
        int builds = harness.store.list(100, null, null).builds().size();
        int executions = harness.aws.executions().size();
        int secrets = harness.aws.storedSecrets().size();
        return new Attempt(harness.call("POST /builds", Map.of(), Map.of(), body.toString()), builds, executions, secrets);
    }

    private static ObjectNode kaniko(ObjectNode plan) {
        return (ObjectNode) plan.path("tasks").get(0).path("kaniko");
    }

    /** 400, unsafe_path, the field's JSON path and the rule in the message; nothing created. */
    private static void assertRefused(Attempt attempt, String field, String rule) throws Exception {
        ApiResponse response = attempt.response();
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.path("error").asText()).isEqualTo("unsafe_path");
        assertThat(error.path("path").asText()).isEqualTo(field);
        assertThat(error.path("message").asText()).startsWith(field + " ").contains(rule);
        assertThat(harness.store.list(100, null, null).builds()).hasSize(attempt.builds());
        assertThat(harness.aws.executions()).hasSize(attempt.executions());
        assertThat(harness.aws.storedSecrets()).hasSize(attempt.secrets());
    }

    @Test
    void aContextPathClimbingOutOfTheWorkspaceIsRefused() throws Exception {
        assertRefused(submit(plan -> kaniko(plan).put("contextPath", "x/../../../../etc")),
                "plan.tasks[0].kaniko.contextPath", "has a \"..\" segment");
    }

    @Test
    void anAbsoluteContextPathIsRefused() throws Exception {
        assertRefused(submit(plan -> kaniko(plan).put("contextPath", "/etc")), "plan.tasks[0].kaniko.contextPath", "is absolute");
    }

    @Test
    void aDockerfileThroughProcSelfCwdIsRefused() throws Exception {
        assertRefused(submit(plan -> kaniko(plan).put("dockerfile", "/proc/self/cwd/Dockerfile")),
                "plan.tasks[0].kaniko.dockerfile", "is absolute");
    }

    @Test
    void aDockerfileAboveTheWorkspaceIsRefused() throws Exception {
        assertRefused(submit(plan -> kaniko(plan).put("dockerfile", "../Dockerfile")),
                "plan.tasks[0].kaniko.dockerfile", "leaves the workspace");
    }

    @Test
    void aDockerfileClimbingOutOfANestedContextIsRefused() throws Exception {
        assertRefused(submit(plan -> kaniko(plan).put("contextPath", "app").put("dockerfile", "../../../etc/shadow")),
                "plan.tasks[0].kaniko.dockerfile", "leaves the workspace");
    }

    @Test
    void aContextPathWithBackslashSeparatorsIsRefused() throws Exception {
        assertRefused(submit(plan -> kaniko(plan).put("contextPath", "x\\..\\..\\..\\etc")),
                "plan.tasks[0].kaniko.contextPath", "has a backslash");
    }

    @Test
    void aDockerfileWithANulByteIsRefused() throws Exception {
        assertRefused(submit(plan -> kaniko(plan).put("dockerfile", "Dockerfile\u0000/../../../../etc/shadow")),
                "plan.tasks[0].kaniko.dockerfile", "has a control character (NUL)");
    }

    @Test
    void anEmptyContextPathIsRefused() throws Exception {
        assertRefused(submit(plan -> kaniko(plan).put("contextPath", "")), "plan.tasks[0].kaniko.contextPath", "is empty");
    }

    @Test
    void anIgnorePathWithDotDotIsRefused() throws Exception {
        assertRefused(submit(plan -> kaniko(plan).putArray("ignorePaths").add("/var/cache").add("/workspace/../../etc")),
                "plan.tasks[0].kaniko.ignorePaths[1]", "has a \"..\" segment");
    }

    @Test
    void aBuildSecretNamingAnAbsoluteFileIsRefused() throws Exception {
        assertRefused(submit(plan -> ((ObjectNode) plan.path("tasks").get(0).path("secrets").get(0)).put("id", "/etc/shadow")),
                "plan.tasks[0].secrets[0].id", "names a file under /run/secrets");
    }

    @Test
    void aBuildSecretNamedDotDotIsRefused() throws Exception {
        assertRefused(submit(plan -> ((ObjectNode) plan.path("tasks").get(0).path("secrets").get(0)).put("id", "..")),
                "plan.tasks[0].secrets[0].id", "not \".\" or \"..\"");
    }

    @Test
    void anExtraFlagSettingTheDockerfileIsRefused() throws Exception {
        assertRefused(submit(plan -> kaniko(plan).putArray("extraFlags").add("--verbosity=debug").add("--dockerfile=/etc/shadow")),
                "plan.tasks[0].kaniko.extraFlags[1]", "sets the build context or the Dockerfile");
    }

    @Test
    void anExtraFlagSettingTheContextToTheHostRootIsRefused() throws Exception {
        assertRefused(submit(plan -> kaniko(plan).putArray("extraFlags").add("-c").add("dir:///")),
                "plan.tasks[0].kaniko.extraFlags[0]", "sets the build context or the Dockerfile");
    }

    @Test
    void theSamePlanWithItsPathsInsideIsAccepted() throws Exception {
        Attempt accepted = submit(plan -> kaniko(plan).put("contextPath", "app").put("dockerfile", "../docker/Dockerfile"));
        assertThat(accepted.response().status()).as(accepted.response().body()).isEqualTo(202);
        assertThat(harness.store.list(100, null, null).builds()).hasSize(accepted.builds() + 1);
    }
}
