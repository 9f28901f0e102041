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

    private static BakerySettings settings(Map<String, Object> context) {
        return BakerySettings.fromContext(new App(AppProps.builder().context(context).build()).getNode(), REPOSITORY);
    }

    @Test
    void defaultsAreANewVpcNoBridgeAndThePinnedKaniko() {
        BakerySettings settings = settings(Map.of());
        assertThat(settings.vpcId()).isEmpty();
        assertThat(settings.k8sBridge()).isFalse();
        assertThat(settings.assignPublicIp()).isTrue();
        assertThat(settings.kanikoImage()).isEqualTo(BakerySettings.DEFAULT_KANIKO_IMAGE);
        assertThat(settings.registrySecrets()).containsExactly("bakery/*");
        assertThat(settings.contextDays()).isEqualTo(7);
        assertThat(settings.logRetention()).isEqualTo(RetentionDays.ONE_MONTH);
    }

    @Test
    void listsComeCommaSeparatedFromTheCommandLineOrAsJsonFromCdkJson() {
        assertThat(settings(Map.of("githubRepos", "a/b, c/d:ref:refs/heads/main")).githubRepos())
                .containsExactly("a/b", "c/d:ref:refs/heads/main");
        assertThat(settings(Map.of("ecrRepositories", java.util.List.of("team/*", "base"))).ecrRepositories())
                .containsExactly("team/*", "base");
        assertThat(settings(Map.of("logRetentionDays", 365, "k8sBridge", true)).logRetention()).isEqualTo(RetentionDays.ONE_YEAR);
    }

    @Test
    void wrongValuesNameTheKey() {
        assertThatThrownBy(() -> settings(Map.of("vpcId", "vpc-1"))).hasMessageContaining("vpcId needs subnetIds");
        assertThatThrownBy(() -> settings(Map.of("subnetIds", "subnet-1"))).hasMessageContaining("need vpcId");
        assertThatThrownBy(() -> settings(Map.of("k8sBridge", "yes"))).hasMessage("context k8sBridge must be true or false, not yes");
        assertThatThrownBy(() -> settings(Map.of("contextDays", "0"))).hasMessageContaining("context contextDays must be a positive");
        assertThatThrownBy(() -> settings(Map.of("logRetentionDays", "10"))).hasMessageContaining("logRetentionDays must be one of");
        assertThatThrownBy(() -> settings(Map.of("githubRepos", "just-a-name"))).hasMessageContaining("owner/repo");
    }

    @Test
    void theFunctionsJarIsFoundInTheFunctionsBuild() {
        assertThat(REPOSITORY.functionsJar().getFileName().toString()).startsWith("bakery-functions-").endsWith("-lambda.jar");
        assertThat(REPOSITORY.stateMachineDefinition()).exists();
    }
}
