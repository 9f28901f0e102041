package dev.bakery.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Reading a plan re-checks it: the server never trusts what a client sends. */
class PlanJsonTest {

    private static final String PLAN = PlanJson.write(Fixtures.resolveConfig("config.yaml", """
            global:
              kaniko:
                destination: registry.example.com/app:1.0
            bake:
            - arch: amd64
            - arch: arm64
            """).builds().getFirst().plan());

    @Test
    void theSamePlanAlwaysWritesTheSameJson() {
        assertThat(PlanJson.write(PlanJson.read("plan", PLAN))).isEqualTo(PLAN);
    }

    @Test
    void aSizeFargateDoesNotOfferIsRejected() {
        String json = PLAN.replaceFirst("\"milliCpu\":500", "\"milliCpu\":300");
        assertThatThrownBy(() -> PlanJson.read("request body", json))
                .isInstanceOf(BakeryConfigException.class)
                .hasMessage("request body: tasks[0]: invalid plan: task amd64: 0.3 vCPU, 2 GiB is not a Fargate size");
    }

    @Test
    void anUnknownFieldIsRejectedWithItsPath() {
        String json = PLAN.replaceFirst("\"spot\":false", "\"spot\":false,\"privileged\":true");
        assertThatThrownBy(() -> PlanJson.read("request body", json))
                .hasMessage("request body: tasks[0].privileged: invalid plan: unknown field \"privileged\" (expected arch, "
                        + "credentials, destinations, env, id, imagePullCredentials, kaniko, platform, postScript, preScript, "
                        + "resources, secrets, spot, timeoutSeconds, variant)");
    }

    @Test
    void aDigestDestinationIsRejected() {
        String digest = "sha256:" + "a".repeat(64);
        String json = PLAN.replace("registry.example.com/app:1.0_amd64", "registry.example.com/app@" + digest);
        assertThatThrownBy(() -> PlanJson.read("request body", json))
                .hasMessage("request body: tasks[0]: invalid plan: task amd64: cannot push to a digest: registry.example.com/app@" + digest);
    }

    @Test
    void anIndexOverTasksThePlanLacksIsRejected() {
        String json = PLAN.replace("\"taskIds\":[\"amd64\",\"arm64\"]", "\"taskIds\":[\"amd64\",\"riscv64\"]");
        assertThatThrownBy(() -> PlanJson.read("request body", json))
                .hasMessage("request body: invalid plan: the index lists tasks the plan does not have: [amd64, riscv64]");
    }

    @Test
    void brokenJsonSaysWhere() {
        assertThatThrownBy(() -> PlanJson.read("request body", "{\"service\": \"x\",\n  \"tasks\": [ }"))
                .isInstanceOf(BakeryConfigException.class)
                .hasMessage("request body:2:14: invalid plan JSON: Unexpected close marker '}': expected ']'");
    }

    @Test
    void anUnknownArchIsRejected() {
        String json = PLAN.replaceFirst("\"arch\":\"amd64\"", "\"arch\":\"mips\"");
        assertThatThrownBy(() -> PlanJson.read("request body", json))
                .hasMessage("request body: tasks[0].arch: invalid plan: unknown arch \"mips\" (use amd64 or arm64)");
    }
}
