package dev.bakery.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.services.logs.RetentionDays;

/** Context values: defaults, both spellings of lists, and a sentence naming the key for a wrong one. */
class BakerySettingsTest {

    private static final BakerySettings.Repository REPOSITORY = BakerySettings.Repository.locate(Path.of(""));

    private static final String KANIKO = BakerySettings.KANIKO_TAG + "@sha256:" + "b".repeat(64);

    /** The context given, with the build container's image unless the context names its own (null: none). */
    private static BakerySettings settings(Map<String, Object> context) {
        Map<String, Object> full = new java.util.HashMap<>(Map.of("kanikoImage", KANIKO));
        full.putAll(context);
        full.values().removeIf(java.util.Objects::isNull);
        return BakerySettings.fromContext(new App(AppProps.builder().context(full).build()).getNode(), REPOSITORY);
    }

    private static final String AGENT = "ghcr.io/acme/bakery-agent@sha256:" + "a".repeat(64);

    @Test
    void defaultsAreANewVpcNoBridgeAndTheAccountsApiGatewayRole() {
        BakerySettings settings = settings(Map.of("agentImage", AGENT));
        assertThat(settings.vpcId()).isEmpty();
        assertThat(settings.k8sBridge()).isFalse();
        assertThat(settings.k8sAgentRoleArn()).isEmpty();
        assertThat(settings.assignPublicIp()).isTrue();
        assertThat(settings.apiGatewayCloudWatchRole()).isTrue();
        assertThat(settings.agentImage()).contains(AGENT);
        assertThat(settings.agentImageFromSource()).isFalse();
        assertThat(settings.kanikoImage()).isEqualTo(KANIKO);
        assertThat(settings.ephemeralStorageGiB()).isEqualTo(50);
        assertThat(settings.registrySecrets()).containsExactly("bakery/*");
        assertThat(settings.contextDays()).isEqualTo(7);
        assertThat(settings.logRetention()).isEqualTo(RetentionDays.ONE_MONTH);
    }

    @Test
    void listsComeCommaSeparatedFromTheCommandLineOrAsJsonFromCdkJson() {
        assertThat(settings(Map.of("agentImage", AGENT, "githubRepos", "a/b, c/d:ref:refs/heads/main")).githubRepos())
                .containsExactly("a/b", "c/d:ref:refs/heads/main");
        assertThat(settings(Map.of("agentImage", AGENT, "ecrRepositories", java.util.List.of("team/*", "base"))).ecrRepositories())
                .containsExactly("team/*", "base");
        assertThat(settings(Map.of("agentImage", AGENT, "logRetentionDays", 365, "k8sBridge", true)).logRetention()).isEqualTo(RetentionDays.ONE_YEAR);
    }

    @Test
    void withoutAnAgentImageSynthSaysHowToGiveOne() {
        assertThatThrownBy(() -> settings(Map.of())).hasMessageStartingWith("no agent image: deploy with -c agentImageTag=VERSION")
                .hasMessageContaining("AgentRepositoryUri").hasMessageContaining("-c agentImage=")
                .hasMessageContaining("-c agentImageFromSource=true");
        assertThatThrownBy(() -> settings(Map.of("agentImageTag", "0.1.0", "agentImage", AGENT)))
                .hasMessageContaining("exclude each other");
        assertThatThrownBy(() -> settings(Map.of("agentImageTag", "0.1.0 beta")))
                .hasMessage("context agentImageTag must be an image tag (letters, digits, _ . -, at most 128), not 0.1.0 beta");
        assertThat(settings(Map.of("agentImageTag", "0.1.0")).agentImageTag()).contains("0.1.0");
        assertThatThrownBy(() -> settings(Map.of("agentImage", AGENT, "agentImageFromSource", "true")))
                .hasMessageContaining("exclude each other");
        assertThatThrownBy(() -> settings(Map.of("agentImage", "ghcr.io/acme/bakery-agent:1.0")))
                .hasMessage("context agentImage must be pinned by digest (NAME@sha256:<64 hex digits>), not"
                        + " ghcr.io/acme/bakery-agent:1.0: `crane digest ghcr.io/acme/bakery-agent:1.0` prints the digest");
    }

    /** No Kaniko or JRE digest ships with the project: none was read from a registry. */
    @Test
    void theBuildContainersKanikoAndTheAgentsJreArePinnedAndSynthSaysHowToReadTheirDigests() {
        Map<String, Object> noKaniko = new java.util.HashMap<>(Map.of("agentImage", AGENT));
        noKaniko.put("kanikoImage", null);
        assertThatThrownBy(() -> settings(noKaniko))
                .hasMessage("context kanikoImage is needed: the build container's image, -c kanikoImage="
                        + "ghcr.io/osscontainertools/kaniko:v1.28.3-debug@sha256:DIGEST, where DIGEST is what"
                        + " `crane digest ghcr.io/osscontainertools/kaniko:v1.28.3-debug` prints");
        assertThatThrownBy(() -> settings(Map.of("agentImage", AGENT, "kanikoImage", BakerySettings.KANIKO_TAG)))
                .hasMessageContaining("context kanikoImage must be pinned by digest");
        assertThatThrownBy(() -> settings(Map.of("agentImageFromSource", "true")))
                .hasMessageContaining("`crane digest eclipse-temurin:25-jre` prints");
        assertThatThrownBy(() -> settings(Map.of("agentImage", AGENT, "jreImage", BakerySettings.JRE_TAG + "@sha256:" + "c".repeat(64))))
                .hasMessageContaining("only applies with agentImageFromSource=true");
        BakerySettings fromSource = settings(Map.of("agentImageFromSource", "true",
                "jreImage", BakerySettings.JRE_TAG + "@sha256:" + "c".repeat(64), "apiGatewayCloudWatchRole", "false"));
        assertThat(fromSource.kanikoImage()).isEqualTo(KANIKO);
        assertThat(fromSource.apiGatewayCloudWatchRole()).isFalse();
    }

    @Test
    void wrongValuesNameTheKey() {
        assertThatThrownBy(() -> settings(Map.of("agentImage", AGENT, "vpcId", "vpc-1"))).hasMessageContaining("vpcId needs subnetIds");
        assertThatThrownBy(() -> settings(Map.of("agentImage", AGENT, "subnetIds", "subnet-1"))).hasMessageContaining("need vpcId");
        assertThatThrownBy(() -> settings(Map.of("agentImage", AGENT, "k8sBridge", "yes"))).hasMessage("context k8sBridge must be true or false, not yes");
        assertThatThrownBy(() -> settings(Map.of("agentImage", AGENT, "contextDays", "0"))).hasMessageContaining("context contextDays must be a positive");
        assertThatThrownBy(() -> settings(Map.of("agentImage", AGENT, "logRetentionDays", "10"))).hasMessageContaining("logRetentionDays must be one of");
        assertThatThrownBy(() -> settings(Map.of("agentImage", AGENT, "githubRepos", "just-a-name"))).hasMessageContaining("owner/repo");
        assertThatThrownBy(() -> settings(Map.of("agentImage", AGENT, "ephemeralStorageGiB", "20")))
                .hasMessage("context ephemeralStorageGiB must be between 21 and 200 (Fargate's range), not 20");
    }

    /** The push role's trust names this principal: a session, a user or a typo must not get that far. */
    @Test
    void theKubernetesAgentRoleMustBeARoleArnOfABridgeDeployment() {
        String role = "arn:aws:iam::111122223333:role/eks/bakery-agent";
        assertThat(settings(Map.of("agentImage", AGENT, "k8sBridge", "true", "k8sAgentRoleArn", role)).k8sAgentRoleArn())
                .contains(role);
        for (String wrong : java.util.List.of("bakery-agent", "arn:aws:iam::111122223333:user/ci",
                "arn:aws:sts::111122223333:assumed-role/bakery-agent/pod", "arn:aws:iam::1111:role/bakery-agent",
                "arn:aws:iam::111122223333:role/bakery agent", "arn:aws:iam::111122223333:role/*")) {
            assertThatThrownBy(() -> settings(Map.of("agentImage", AGENT, "k8sBridge", "true", "k8sAgentRoleArn", wrong)))
                    .hasMessage("context k8sAgentRoleArn must be the ARN of an IAM role (arn:aws:iam::ACCOUNT:role/NAME, the"
                            + " role of the agents' service account), not " + wrong);
        }
        assertThatThrownBy(() -> settings(Map.of("agentImage", AGENT, "k8sAgentRoleArn", role)))
                .hasMessage("context k8sAgentRoleArn needs k8sBridge=true (the bridge whose agents run as that role)");
    }

    @Test
    void theFunctionsJarIsFoundInTheFunctionsBuild() {
        assertThat(REPOSITORY.functionsJar().getFileName().toString()).startsWith("bakery-functions-").endsWith("-lambda.jar");
        assertThat(REPOSITORY.stateMachineDefinition()).exists();
    }
}
