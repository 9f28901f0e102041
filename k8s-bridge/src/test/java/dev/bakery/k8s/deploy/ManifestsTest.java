package dev.bakery.k8s.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bakery.k8s.config.Options;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What {@code kubectl kustomize k8s-bridge/deploy} would render, checked without kubectl: every file
 * parses as the Kubernetes kind it claims (fabric8's typed model), the kustomization lists them all,
 * RBAC is exactly what the bridge calls, and the Deployment configures the bridge's real options.
 */
class ManifestsTest {

    private static final Path DEPLOY = Path.of("deploy");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final KubernetesSerialization K8S = new KubernetesSerialization();
    private static final Map<String, HasMetadata> RESOURCES = new LinkedHashMap<>();

    @BeforeAll
    static void load() throws IOException {
        for (Path file : yamlFiles()) {
            if (!file.getFileName().toString().equals("kustomization.yaml")) {
                try (InputStream in = Files.newInputStream(file)) {
                    HasMetadata resource = K8S.unmarshal(in);
                    RESOURCES.put(file.getFileName().toString(), resource);
                }
            }
        }
    }

    private static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> files = Files.list(DEPLOY)) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends HasMetadata> List<T> all(Class<T> kind) {
        return RESOURCES.values().stream().filter(kind::isInstance).map(r -> (T) r).toList();
    }

    @Test
    void theKustomizationListsEveryManifestAndEveryManifestIsAKnownKind() throws IOException {
        JsonNode kustomization = YAML.readTree(DEPLOY.resolve("kustomization.yaml").toFile());
        assertThat(kustomization.path("kind").asText()).isEqualTo("Kustomization");
        List<String> listed = new ArrayList<>();
        kustomization.path("resources").forEach(r -> listed.add(r.asText()));

        assertThat(listed).containsExactlyInAnyOrderElementsOf(RESOURCES.keySet());
        assertThat(RESOURCES.values()).extracting(HasMetadata::getKind).containsExactlyInAnyOrder(
                "Namespace", "ServiceAccount", "ServiceAccount", "Role", "RoleBinding", "Deployment");
        String namespace = kustomization.path("namespace").asText();
        assertThat(all(Namespace.class)).singleElement().satisfies(n -> assertThat(n.getMetadata().getName()).isEqualTo(namespace));
        assertThat(RESOURCES.values()).filteredOn(r -> !(r instanceof Namespace))
                .allSatisfy(r -> assertThat(r.getMetadata().getNamespace()).isEqualTo(namespace));
    }

    @Test
    void theRoleAllowsOnlyWhatTheBridgeCallsInItsNamespace() {
        Role role = all(Role.class).getFirst();
        Set<String> rules = new TreeSet<>();
        for (PolicyRule rule : role.getRules()) {
            assertThat(rule.getResourceNames()).isNullOrEmpty();
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    rules.add((group.isEmpty() ? "core" : group) + "/" + resource + ": " + String.join(",", new TreeSet<>(rule.getVerbs())));
                }
            }
        }

        assertThat(rules).containsExactly(
                "batch/jobs: create,delete,get,list,patch",
                "core/pods/log: get",
                "core/pods: get,list",
                "core/secrets: create");

        RoleBinding binding = all(RoleBinding.class).getFirst();
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo(deployment().getSpec().getTemplate().getSpec().getServiceAccountName());
        });
    }

    @Test
    void theBridgesServiceAccountShowsHowToGiveItAnIamRole() {
        String name = deployment().getSpec().getTemplate().getSpec().getServiceAccountName();
        ServiceAccount account = all(ServiceAccount.class).stream().filter(a -> a.getMetadata().getName().equals(name))
                .findFirst().orElseThrow();

        assertThat(account.getMetadata().getAnnotations().get("eks.amazonaws.com/role-arn"))
                .matches("arn:aws:iam::\\d{12}:role/.+");
        Set<String> accounts = all(ServiceAccount.class).stream().map(a -> a.getMetadata().getName()).collect(Collectors.toSet());
        assertThat(accounts).contains(env().get("BAKERY_AGENT_SERVICE_ACCOUNT"));
    }

    @Test
    void theDeploymentRunsOneLimitedProbedBridgeWithTheOptionsItKnows() {
        Deployment deployment = deployment();
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());

        Container bridge = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(bridge.getResources().getLimits()).containsKeys("cpu", "memory");
        assertThat(bridge.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(bridge.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        String portName = bridge.getLivenessProbe().getHttpGet().getPort().getStrVal();
        assertThat(bridge.getPorts()).filteredOn(p -> p.getName().equals(portName)).singleElement()
                .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(Integer.parseInt(env().get("BAKERY_HEALTH_PORT"))));

        CommandLine.Model.CommandSpec spec = Options.command(new Options(), Map.of()).getCommandSpec();
        Set<String> known = spec.options().stream().map(CommandLine.Model.OptionSpec::descriptionKey)
                .filter(k -> k != null && !k.isEmpty()).collect(Collectors.toSet());
        Set<String> required = spec.options().stream().filter(CommandLine.Model.OptionSpec::required)
                .map(CommandLine.Model.OptionSpec::descriptionKey).collect(Collectors.toSet());
        Set<String> set = new TreeSet<>(env().keySet());
        set.remove("JAVA_TOOL_OPTIONS");
        assertThat(known).containsAll(set);
        assertThat(set).containsAll(required);
    }

    private static Deployment deployment() {
        return all(Deployment.class).getFirst();
    }

    private static Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar var : deployment().getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv()) {
            env.put(var.getName(), var.getValue() != null ? var.getValue() : "(from " + var.getValueFrom().getFieldRef().getFieldPath() + ")");
        }
        return env;
    }
}
