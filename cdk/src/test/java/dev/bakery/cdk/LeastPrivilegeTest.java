package dev.bakery.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** IAM in every variant of the stack: no wildcard actions, and a reasoned suppression for every Resource "*". */
class LeastPrivilegeTest {

    static List<Synthesized> variants() {
        return List.of(Synthesized.fromSource(), Synthesized.documented(), Synthesized.allOptions());
    }

    /** A statement with where it came from. */
    record Grant(String policy, JsonNode statement, JsonNode owner) {

        List<String> list(String field) {
            return values(statement.path(field));
        }

        /** A policy field's value or values, as text. */
        static List<String> values(JsonNode value) {
            List<String> values = new ArrayList<>();
            if (value.isArray()) {
                value.forEach(v -> values.add(v.isTextual() ? v.asText() : v.toString()));
            } else if (!value.isMissingNode()) {
                values.add(value.isTextual() ? value.asText() : value.toString());
            }
            return values;
        }
    }

    static List<Grant> grants(Synthesized synth) {
        List<Grant> grants = new ArrayList<>();
        synth.resources("AWS::IAM::Policy").forEach((id, policy) ->
                policy.path("Properties").path("PolicyDocument").path("Statement").forEach(s -> grants.add(new Grant(id, s, policy))));
        synth.resources("AWS::IAM::Role").forEach((id, role) -> role.path("Properties").path("Policies").forEach(inline ->
                inline.path("PolicyDocument").path("Statement").forEach(s -> grants.add(new Grant(id, s, role)))));
        return grants;
    }

    @ParameterizedTest
    @MethodSource("variants")
    void noStatementAllowsEveryActionOrEveryActionOfAService(Synthesized synth) {
        assertThat(grants(synth)).isNotEmpty().allSatisfy(grant -> assertThat(grant.list("Action"))
                .as(grant.policy()).noneMatch(action -> action.equals("*") || action.endsWith(":*")));
        // Managed policies only on CDK's own provider for the default security group lockdown (basic Lambda logging)
        // and on API Gateway's account logging role (the policy AWS documents for it).
        synth.resources("AWS::IAM::Role").forEach((id, role) -> {
            if (id.startsWith("ApiGatewayAccountCloudWatchRole")) {
                assertThat(role.at("/Properties/ManagedPolicyArns").toString()).as(id)
                        .endsWith(":iam::aws:policy/" + ApiGatewayAccount.PUSH_TO_LOGS + "\"]]}]");
            } else if (!id.startsWith("CustomVpcRestrictDefaultSGCustomResourceProviderRole")) {
                assertThat(role.path("Properties").has("ManagedPolicyArns")).as(id).isFalse();
            }
        });
    }

    @ParameterizedTest
    @MethodSource("variants")
    void everyUnscopedResourceHasAReasonedSuppression(Synthesized synth) {
        for (Grant grant : grants(synth)) {
            if (!grant.list("Resource").contains("*")) {
                continue;
            }
            JsonNode suppressions = grant.owner().path("Metadata").path("cdk_nag").path("rules_to_suppress");
            List<JsonNode> reasoned = new ArrayList<>();
            suppressions.forEach(s -> {
                if (s.path("id").asText().equals("AwsSolutions-IAM5") && s.path("reason").asText().length() > 40
                        && s.path("applies_to").toString().contains("\"Resource::*\"")) {
                    reasoned.add(s);
                }
            });
            assertThat(reasoned).as("%s allows %s on Resource * without a reasoned suppression", grant.policy(),
                    grant.list("Action")).isNotEmpty();
            // Only actions AWS offers no resource-level permissions for.
            assertThat(grant.list("Action")).as(grant.policy()).allMatch(action -> action.equals("ecr:GetAuthorizationToken") || action.equals("dynamodb:ListStreams")
                    || action.startsWith("xray:") || action.matches("logs:(Create|Get|Update|Delete|List)LogDeliver(y|ies)")
                    || action.matches("logs:(PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)"));
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void stateMachineRoleRunsOnlyTheTwoAgentTaskDefinitionsAndPassesOnlyTheirRoles(Synthesized synth) {
        String role = synth.logicalId(synth.stack().pipeline().role());
        List<Grant> grants = grants(synth).stream()
                .filter(g -> g.owner().path("Properties").path("Roles").toString().contains("\"" + role + "\"")).toList();
        assertThat(grants).isNotEmpty();
        String amd64 = synth.stack().builds().amd64().getFamily();
        String arm64 = synth.stack().builds().arm64().getFamily();
        List<Grant> runTask = grants.stream().filter(g -> g.list("Action").stream().anyMatch(a -> a.startsWith("ecs:RunTask")
                || a.equals("ecs:*"))).toList();
        assertThat(runTask).hasSize(1);
        assertThat(runTask.get(0).list("Action")).containsExactly("ecs:RunTask");
        assertThat(runTask.get(0).list("Resource")).hasSize(2).anySatisfy(r -> assertThat(r).contains("task-definition/" + amd64 + ":*"))
                .anySatisfy(r -> assertThat(r).contains("task-definition/" + arm64 + ":*"));
        assertThat(runTask.get(0).statement().path("Condition").path("ArnEquals").path("ecs:cluster").path("Fn::GetAtt").get(0).asText())
                .isEqualTo(synth.logicalId(synth.stack().builds().cluster()));

        List<Grant> passRole = grants.stream().filter(g -> g.list("Action").stream().anyMatch(a -> a.startsWith("iam:"))).toList();
        assertThat(passRole).hasSize(1);
        assertThat(passRole.get(0).list("Action")).containsExactly("iam:PassRole");
        assertThat(passRole.get(0).list("Resource")).containsExactlyInAnyOrder(
                getAtt(synth.logicalId(synth.stack().builds().taskRole())),
                getAtt(synth.logicalId(synth.stack().builds().executionRole())));
        assertThat(passRole.get(0).statement().path("Condition").path("StringEquals").path("iam:PassedToService").asText())
                .isEqualTo("ecs-tasks.amazonaws.com");

        // The task definitions use exactly those two roles.
        assertThat(synth.resources("AWS::ECS::TaskDefinition").values()).allSatisfy(definition -> {
            assertThat(definition.path("Properties").path("TaskRoleArn").toString())
                    .isEqualTo(getAtt(synth.logicalId(synth.stack().builds().taskRole())));
            assertThat(definition.path("Properties").path("ExecutionRoleArn").toString())
                    .isEqualTo(getAtt(synth.logicalId(synth.stack().builds().executionRole())));
        });
        // Nobody else may pass roles or run tasks.
        assertThat(grants(synth).stream().filter(g -> !grants.contains(g)))
                .noneMatch(g -> g.list("Action").stream().anyMatch(a -> a.equals("iam:PassRole") || a.equals("ecs:RunTask")));
    }

    /**
     * The agent removes a context object that is not its key's content (it checked the download's
     * SHA-256), so its role may delete under contexts/ and nowhere else in the bucket.
     */
    @ParameterizedTest
    @MethodSource("variants")
    void theAgentMayRemoveContextObjectsOnly(Synthesized synth) {
        String taskRole = synth.logicalId(synth.stack().builds().taskRole());
        assertThat(grants(synth)).filteredOn(g -> g.owner().path("Properties").path("Roles").toString().contains("\"" + taskRole + "\""))
                .filteredOn(g -> g.list("Action").contains("s3:DeleteObject")).singleElement()
                .satisfies(g -> assertThat(g.list("Resource")).singleElement().asString().contains("/contexts/*"));
    }

    /**
     * The role split (docs/security.md): ECS gives a task's role to every container, so what keeps it
     * from the build's code is that the build container never holds its credentials (no environment,
     * no shared PID namespace to read the agent's, env -i) and that the role itself reaches no ECR: an
     * agent pushes through a session of the push role limited to its task's repositories.
     */
    @ParameterizedTest
    @MethodSource("variants")
    void theBuildContainersCodeReachesNoSecretTableOrEcrThroughTheTaskRole(Synthesized synth) {
        String taskRole = synth.logicalId(synth.stack().builds().taskRole());
        String pushRole = synth.logicalId(synth.stack().builds().pushRole());
        List<Grant> taskRoleGrants = grants(synth).stream()
                .filter(g -> g.owner().path("Properties").path("Roles").toString().contains("\"" + taskRole + "\"")).toList();
        assertThat(taskRoleGrants).isNotEmpty().allSatisfy(g -> assertThat(g.list("Action")).noneMatch(a -> a.startsWith("ecr:")));
        assertThat(taskRoleGrants).filteredOn(g -> g.list("Action").contains("sts:AssumeRole")).singleElement()
                .satisfies(g -> assertThat(g.list("Resource")).containsExactly(getAtt(pushRole)));
        JsonNode trust = synth.resources("AWS::IAM::Role").get(pushRole).at("/Properties/AssumeRolePolicyDocument/Statement");
        assertThat(trust).singleElement().satisfies(s -> assertThat(s.path("Principal").path("AWS").toString())
                .isEqualTo(getAtt(taskRole)));
        assertThat(grants(synth)).filteredOn(g -> g.owner().path("Properties").path("Roles").toString().contains("\"" + pushRole + "\""))
                .allSatisfy(g -> assertThat(g.list("Action")).allMatch(a -> a.startsWith("ecr:")));

        assertThat(synth.resources("AWS::ECS::TaskDefinition").values()).hasSize(2).allSatisfy(definition -> {
            JsonNode properties = definition.path("Properties");
            assertThat(properties.has("PidMode")).as("no PID namespace shared with the agent").isFalse();
            assertThat(properties.has("IpcMode")).isFalse();
            JsonNode build = properties.path("ContainerDefinitions").get(1);
            assertThat(build.path("Name").asText()).isEqualTo("build");
            assertThat(build.has("Environment") || build.has("Secrets") || build.has("EnvironmentFiles")).isFalse();
            assertThat(build.path("EntryPoint").get(0).asText()).isEqualTo("/busybox/env");
            assertThat(build.path("EntryPoint").get(1).asText()).isEqualTo("-i");
            assertThat(build.path("Image").asText()).matches("ghcr\\.io/osscontainertools/kaniko:[^@]+-debug@sha256:[0-9a-f]{64}");
        });
    }

    private static String getAtt(String logicalId) {
        return "{\"Fn::GetAtt\":[\"" + logicalId + "\",\"Arn\"]}";
    }
}
