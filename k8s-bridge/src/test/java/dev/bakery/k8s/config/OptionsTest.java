package dev.bakery.k8s.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class OptionsTest {

    private static final Map<String, String> ENV = Map.ofEntries(
            Map.entry("BAKERY_ACTIVITY_ARN", "arn:aws:states:eu-west-1:111122223333:activity:bakery-k8s"),
            Map.entry("AWS_REGION", "eu-west-1"),
            Map.entry("BAKERY_TABLE", "bakery"),
            Map.entry("BAKERY_CONTEXT_BUCKET", "bakery-contexts"),
            Map.entry("BAKERY_LOG_GROUP", "/bakery/builds"),
            Map.entry("BAKERY_AGENT_IMAGE", "registry.example.com/bakery/agent:1.0"),
            Map.entry("HOSTNAME", "bakery-k8s-bridge-7d9f-x2"),
            Map.entry("BAKERY_TOLERATIONS", "kubernetes.io/arch=arm64:NoSchedule,dedicated:NoExecute"),
            Map.entry("BAKERY_NODE_SELECTOR", "karpenter.sh/capacity-type=on-demand"),
            Map.entry("BAKERY_HEARTBEAT", "20s"),
            Map.entry("BAKERY_KANIKO_IMAGE", "ghcr.io/osscontainertools/kaniko:v1.28.3-debug@sha256:" + "1".repeat(64)));

    @Test
    void theEnvironmentConfiguresTheBridge() {
        BridgeConfig config = Options.parse(new String[0], ENV).config("bakery");

        assertThat(config.activityArn()).endsWith(":activity:bakery-k8s");
        assertThat(config.workerName()).isEqualTo("bakery-k8s-bridge-7d9f-x2");
        assertThat(config.namespace()).isEqualTo("bakery");
        assertThat(config.slots()).isEqualTo(4);
        assertThat(config.timing()).isEqualTo(new Timing(Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofMinutes(5),
                Duration.ofHours(1)));
        assertThat(config.agent().tolerations()).extracting(t -> t.getKey() + " " + t.getOperator() + " " + t.getEffect())
                .containsExactly("kubernetes.io/arch Equal NoSchedule", "dedicated Exists NoExecute");
        assertThat(config.agent().nodeSelector()).isEqualTo(Map.of("karpenter.sh/capacity-type", "on-demand"));
        assertThat(config.agent().ttlSecondsAfterFinished()).isEqualTo(3600);
        assertThat(config.agent().serviceAccount()).isNull();
    }

    @Test
    void flagsWinOverTheEnvironment() {
        Options options = Options.parse(new String[] {"--slots", "8", "--heartbeat", "250ms", "--image-pull-secret", "a",
            "--image-pull-secret", "b", "--agent-service-account", "bakery-agent", "--health-port", "9090"}, ENV);
        BridgeConfig config = options.config("ci");

        assertThat(config.slots()).isEqualTo(8);
        assertThat(config.timing().heartbeat()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.agent().imagePullSecrets()).containsExactly("a", "b");
        assertThat(config.agent().serviceAccount()).isEqualTo("bakery-agent");
        assertThat(options.healthPort()).isEqualTo(9090);
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> Options.parse(new String[] {"--poll", "5 minutes"}, ENV))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--poll")
                .hasMessageContaining("not a duration such as 250ms, 30s, 5m or 1h");
        assertThatThrownBy(() -> Options.parse(new String[] {"--toleration", "gpu=yes:Sometimes"}, ENV).config("ns"))
                .hasMessage("toleration \"gpu=yes:Sometimes\": effect must be one of NoSchedule, PreferNoSchedule, NoExecute,"
                        + " not \"Sometimes\"");
    }

    @Test
    void aMissingSettingNamesItsFlag() {
        Map<String, String> env = new java.util.HashMap<>(ENV);
        env.remove("BAKERY_AGENT_IMAGE");

        assertThatThrownBy(() -> Options.parse(new String[0], env)).isInstanceOf(CommandLine.MissingParameterException.class)
                .hasMessageContaining("--agent-image");
    }
}
