package dev.bakery.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

/** Context options: the k8s bridge's activity, GitHub OIDC, an existing VPC, an agent image from ECR. */
class OptionalFeaturesTest {

    private final Synthesized synth = Synthesized.allOptions();

    @Test
    void bridgeActivityIsSubstitutedOutputAndOfferedByTheApi() {
        String activity = synth.logicalId(synth.stack().pipeline().activity().orElseThrow());
        synth.template().resourceCountIs("AWS::StepFunctions::Activity", 1);
        JsonNode machine = synth.resources("AWS::StepFunctions::StateMachine").values().iterator().next().path("Properties");
        assertThat(machine.path("DefinitionSubstitutions").path("K8sActivityArn").path("Ref").asText()).isEqualTo(activity);
        assertThat(synth.json().path("Outputs").path("K8sActivityArn").path("Value").path("Ref").asText()).isEqualTo(activity);
        synth.template().hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "dev.bakery.functions.handler.RestApiHandler::handleRequest",
                "Environment", Map.of("Variables", Match.objectLike(Map.of("K8S_ACTIVITY_ARN", Map.of("Ref", activity))))));
    }

    /**
     * The bridge's agents get a push role of their own: trusted by the role their pods run as and nobody
     * else (TagSession for EKS Pod Identity's transitive session tags), allowed exactly what the ECS push
     * role is, on the configured repositories, and output for the bridge's BAKERY_PUSH_ROLE_ARN.
     */
    @Test
    void kubernetesAgentsPushRoleIsTrustedByTheirRoleAloneAndMayOnlyPushToTheConfiguredRepositories() {
        String role = synth.logicalId(synth.stack().builds().k8sPushRole().orElseThrow());
        JsonNode trust = synth.resources("AWS::IAM::Role").get(role).at("/Properties/AssumeRolePolicyDocument/Statement");
        assertThat(trust).singleElement().satisfies(statement -> {
            assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
            assertThat(statement.path("Principal").toString()).isEqualTo("{\"AWS\":\"" + Synthesized.K8S_AGENT_ROLE + "\"}");
            assertThat(LeastPrivilegeTest.Grant.values(statement.path("Action")))
                    .containsExactlyInAnyOrder("sts:AssumeRole", "sts:TagSession");
            assertThat(statement.has("Condition")).isFalse();
        });

        List<LeastPrivilegeTest.Grant> grants = LeastPrivilegeTest.grants(synth).stream()
                .filter(g -> g.owner().path("Properties").path("Roles").toString().contains("\"" + role + "\"")).toList();
        assertThat(grants).hasSize(2);
        assertThat(grants).filteredOn(g -> g.list("Resource").equals(List.of("*"))).singleElement()
                .satisfies(g -> assertThat(g.list("Action")).containsExactly("ecr:GetAuthorizationToken"));
        assertThat(grants).filteredOn(g -> !g.list("Resource").equals(List.of("*"))).singleElement().satisfies(g -> {
            assertThat(g.list("Action")).containsExactlyInAnyOrderElementsOf(RegistryAccess.ECR_PUSH);
            assertThat(g.list("Resource")).hasSize(2)
                    .anySatisfy(r -> assertThat(r).endsWith(":repository/team/*\"]]}"))
                    .anySatisfy(r -> assertThat(r).endsWith(":repository/base\"]]}"));
        });
        // Nobody else is granted the role: its trust is the only way in.
        assertThat(LeastPrivilegeTest.grants(synth)).noneMatch(g -> g.list("Resource").toString().contains(role));

        JsonNode output = synth.json().path("Outputs").path("K8sPushRoleArn");
        assertThat(output.path("Value").path("Fn::GetAtt").get(0).asText()).isEqualTo(role);
        assertThat(output.path("Description").asText()).contains("BAKERY_PUSH_ROLE_ARN");
    }

    @Test
    void withoutTheKubernetesAgentRoleTheTemplateHasNoSecondPushRole() {
        Synthesized documented = Synthesized.documented();
        assertThat(documented.stack().builds().k8sPushRole()).isEmpty();
        assertThat(documented.json().path("Outputs").has("K8sPushRoleArn")).isFalse();
        assertThat(documented.resources("AWS::IAM::Role").values()).noneMatch(r ->
                r.at("/Properties/AssumeRolePolicyDocument").toString().contains("sts:TagSession"));
        assertThat(documented.resources("AWS::IAM::Role").values()).filteredOn(r ->
                r.at("/Properties/Description").asText().contains("push to ECR")).hasSize(1);
    }

    @Test
    void existingVpcIsUsedAsGivenWithoutCreatingNetworking() {
        assertThat(synth.resources("AWS::EC2::VPC")).isEmpty();
        assertThat(synth.resources("AWS::EC2::Subnet")).isEmpty();
        JsonNode substitutions = synth.resources("AWS::StepFunctions::StateMachine").values().iterator().next()
                .path("Properties").path("DefinitionSubstitutions");
        assertThat(substitutions.path("SubnetIds").asText()).isEqualTo("subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb");
        assertThat(substitutions.path("AssignPublicIp").asText()).isEqualTo("DISABLED");
        synth.template().hasResourceProperties("AWS::EC2::SecurityGroup", Map.of("VpcId", "vpc-0123456789abcdef0"));
    }

    @Test
    void eachGithubRepositoryHasItsOwnRoleThatMayOnlyCallThisDeployment() {
        Map<String, software.amazon.awscdk.services.iam.Role> roles = synth.stack().github().orElseThrow().roles();
        assertThat(roles).containsOnlyKeys("acme/shop", "acme/infra");
        assertThat(GitHubOidcTrustTest.subjects(synth, roles.get("acme/shop")))
                .containsExactly("repo:acme/shop:ref:refs/heads/*", "repo:acme/shop:ref:refs/tags/*");
        assertThat(GitHubOidcTrustTest.subjects(synth, roles.get("acme/infra"))).containsExactly("repo:acme/infra:ref:refs/heads/main");
        synth.template().resourceCountIs("AWS::IAM::OIDCProvider", 1);
        for (var role : roles.values()) {
            List<String> actions = LeastPrivilegeTest.grants(synth).stream()
                    .filter(g -> g.owner().path("Properties").path("Roles").toString().contains(synth.logicalId(role)))
                    .flatMap(g -> g.list("Action").stream()).toList();
            assertThat(actions).containsExactlyInAnyOrder("execute-api:Invoke", "cloudformation:DescribeStacks");
        }
        JsonNode outputs = synth.json().path("Outputs");
        assertThat(outputs.path("GitHubRoleArnAcmeShop").path("Value").path("Fn::GetAtt").get(0).asText())
                .isEqualTo(synth.logicalId(roles.get("acme/shop")));
        assertThat(outputs.path("GitHubRoleArnAcmeInfra").path("Description").asText()).endsWith("acme/infra");
        assertThat(outputs.has("GitHubRoleArn")).isFalse();
    }

    @Test
    void operatorsReachTheFunctionsThatDecideWhoSeesABuild() {
        for (String handler : List.of("RestApiHandler", "WebSocketHandler")) {
            synth.template().hasResourceProperties("AWS::Lambda::Function", Map.of(
                    "Handler", "dev.bakery.functions.handler." + handler + "::handleRequest",
                    "Environment", Map.of("Variables", Match.objectLike(Map.of(
                            "BAKERY_OPERATORS", "arn:aws:iam::111122223333:role/platform/bakery-operators")))));
        }
    }

    @Test
    void agentImageFromEcrIsPulledByDigestWithAGrantForThatRepositoryOnly() {
        assertThat(synth.resources("AWS::ECS::TaskDefinition").values()).allSatisfy(definition ->
                assertThat(definition.path("Properties").path("ContainerDefinitions").get(0).path("Image").toString())
                        .contains("111122223333.dkr.ecr.eu-west-1.")
                        .contains("/bakery-agent@sha256:0123456789abcdef"));
        assertThat(synth.resources("AWS::ECS::TaskDefinition").values()).allSatisfy(definition ->
                assertThat(definition.at("/Properties/EphemeralStorage/SizeInGiB").asInt()).isEqualTo(100));
        String executionRole = synth.logicalId(synth.stack().builds().executionRole());
        assertThat(LeastPrivilegeTest.grants(synth)).filteredOn(g -> g.owner().path("Properties").path("Roles").toString()
                .contains(executionRole) && g.list("Action").contains("ecr:BatchGetImage"))
                .singleElement().satisfies(g -> assertThat(g.list("Resource")).singleElement().asString()
                        .contains(":ecr:eu-west-1:111122223333:repository/bakery-agent"));
    }

    @Test
    void withoutTheApiGatewayOptionTheAccountSettingIsLeftAloneAndNothingIsBuiltWithDocker() throws Exception {
        assertThat(synth.resources("AWS::ApiGateway::Account")).isEmpty();
        assertThat(synth.resources("AWS::IAM::Role").values()).noneMatch(role ->
                role.at("/Properties/AssumeRolePolicyDocument").toString().contains("apigateway.amazonaws.com"));
        JsonNode assets = new com.fasterxml.jackson.databind.ObjectMapper().readTree(java.nio.file.Path.of(
                synth.assembly().getDirectory(), synth.stack().getArtifactId() + ".assets.json").toFile());
        assertThat(assets.path("dockerImages").size()).isZero();
    }

    @Test
    void cdkNagAndTemplateValidationReportNothing() {
        assertThat(synth.problems()).isEmpty();
    }
}
