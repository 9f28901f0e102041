package dev.bakery.cdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.CloudAssembly;

/**
 * The real app, synthesized with cdk.json's context (the feature flags, template validation included)
 * plus a test's own, once per distinct context: a synth costs tens of seconds.
 */
record Synthesized(BakeryStack stack, Template template, JsonNode json, CloudAssembly assembly) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Map<String, String>, Synthesized> CACHE = new ConcurrentHashMap<>();

    /** Pinned-looking references: the build container's image and the Docker asset's base; no synth pulls them. */
    static final String KANIKO_IMAGE = BakerySettings.KANIKO_TAG + "@sha256:" + "1".repeat(64);
    static final String JRE_IMAGE = BakerySettings.JRE_TAG + "@sha256:" + "2".repeat(64);

    /** The role allOptions' Kubernetes agents run as. */
    static final String K8S_AGENT_ROLE = "arn:aws:iam::111122223333:role/eks/bakery-agent";

    /** Default options but for the one a synth cannot do without: the agent built from agent/ (Docker assets). */
    static Synthesized fromSource() {
        return with(Map.of("agentImageFromSource", "true", "kanikoImage", KANIKO_IMAGE, "jreImage", JRE_IMAGE));
    }

    /** The documented deployment: the agent image is a tag of the stack's own repository. */
    static Synthesized documented() {
        return with(Map.of("agentImageTag", "0.1.0", "kanikoImage", KANIKO_IMAGE));
    }

    /**
     * Every option on: k8s bridge with its agents' push role, ECR repositories named, GitHub OIDC, an existing
     * VPC, an agent image from ECR, and the account's API Gateway logging role left to its owner.
     */
    static Synthesized allOptions() {
        return with(Map.ofEntries(
                Map.entry("apiGatewayCloudWatchRole", "false"),
                Map.entry("k8sBridge", "true"),
                Map.entry("k8sAgentRoleArn", K8S_AGENT_ROLE),
                Map.entry("ecrRepositories", "team/*,base"),
                Map.entry("githubRepos", "acme/shop,acme/infra:ref:refs/heads/main"),
                Map.entry("operators", "arn:aws:iam::111122223333:role/platform/bakery-operators"),
                Map.entry("vpcId", "vpc-0123456789abcdef0"),
                Map.entry("subnetIds", "subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb"),
                Map.entry("assignPublicIp", "false"),
                Map.entry("kanikoImage", KANIKO_IMAGE),
                Map.entry("ephemeralStorageGiB", "100"),
                Map.entry("agentImage", "111122223333.dkr.ecr.eu-west-1.amazonaws.com/bakery-agent@sha256:"
                        + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")));
    }

    static synchronized Synthesized with(Map<String, String> context) {
        return CACHE.computeIfAbsent(context, Synthesized::synthesize);
    }

    private static Synthesized synthesize(Map<String, String> extra) {
        try {
            Map<String, Object> context = new HashMap<>(cdkJsonContext());
            context.putAll(extra);
            Path out = Files.createTempDirectory(Path.of("target"), "cdk-out-");
            App app = new App(AppProps.builder().context(context).outdir(out.toString()).build());
            BakeryStack stack = BakeryApp.build(app);
            CloudAssembly assembly = app.synth();
            JsonNode json = JSON.readTree(out.resolve(stack.getArtifactId() + ".template.json").toFile());
            return new Synthesized(stack, Template.fromJSON(JSON.convertValue(json, Map.class)), json, assembly);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cdkJsonContext() throws IOException {
        Path cdkJson = BakerySettings.Repository.locate(Path.of("")).root().resolve("cdk.json");
        return (Map<String, Object>) JSON.readValue(cdkJson.toFile(), Map.class).get("context");
    }

    /**
     * The state machine definition as Step Functions will get it: the file asset the template points at,
     * filled with the template's literal substitutions (the others are CloudFormation tokens).
     */
    JsonNode deployedDefinition() throws IOException {
        JsonNode machine = resources("AWS::StepFunctions::StateMachine").values().iterator().next().path("Properties");
        String key = machine.at("/DefinitionS3Location/Key").asText();
        JsonNode files = JSON.readTree(Path.of(assembly.getDirectory(), stack.getArtifactId() + ".assets.json").toFile())
                .path("files");
        for (Iterator<JsonNode> it = files.elements(); it.hasNext(); ) {
            JsonNode file = it.next();
            if (file.path("destinations").toString().contains("\"objectKey\":\"" + key + "\"")) {
                String text = Files.readString(Path.of(assembly.getDirectory(), file.at("/source/path").asText()));
                for (Iterator<Map.Entry<String, JsonNode>> values = machine.path("DefinitionSubstitutions").fields(); values.hasNext(); ) {
                    Map.Entry<String, JsonNode> value = values.next();
                    text = text.replace("${" + value.getKey() + "}", value.getValue().isTextual()
                            ? value.getValue().asText() : "TOKEN-" + value.getKey());
                }
                return JSON.readTree(text);
            }
        }
        throw new AssertionError("no file asset with object key " + key);
    }

    /** The template's resources of one type, by logical id. */
    Map<String, JsonNode> resources(String type) {
        Map<String, JsonNode> found = new java.util.LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = json.path("Resources").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getValue().path("Type").asText().equals(type)) {
                found.put(entry.getKey(), entry.getValue());
            }
        }
        return found;
    }

    /** cdk-nag's and the template validation's error and warning annotations. */
    List<String> problems() {
        Annotations annotations = Annotations.fromStack(stack);
        List<String> problems = new java.util.ArrayList<>();
        annotations.findError("*", Match.anyValue()).forEach(m -> problems.add("error " + m.getId() + ": " + m.getEntry().getData()));
        annotations.findWarning("*", Match.anyValue()).forEach(m -> problems.add("warning " + m.getId() + ": " + m.getEntry().getData()));
        return problems;
    }

    String logicalId(software.constructs.IConstruct construct) {
        return stack.getLogicalId((software.amazon.awscdk.CfnElement) construct.getNode().getDefaultChild());
    }
}
