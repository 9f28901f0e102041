package dev.bakery.local.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The definition file itself: valid ASL, JSONPath only, the placeholders of the contract. */
class BuildDefinitionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aslValidatorAcceptsTheSubstitutedDefinition() throws Exception {
        Validation validation = validate(TestDefinitions.buildStateMachine());

        assertThat(validation.output()).contains("is valid");
        assertThat(validation.exitCode()).isZero();
    }

    @Test
    void aslValidatorRejectsABrokenTransitionSoTheCheckAboveMeansSomething() throws Exception {
        ObjectNode definition = (ObjectNode) JSON.readTree(TestDefinitions.buildStateMachine());
        ((ObjectNode) definition.at("/States/Check results")).put("Next", "No such state");

        Validation validation = validate(definition.toString());

        assertThat(validation.exitCode()).isNotZero();
        assertThat(validation.output()).contains("No such state");
    }

    @Test
    void usesExactlyThePlaceholdersOfTheContract() {
        assertThat(AslTemplate.buildStateMachine().placeholders()).containsExactlyInAnyOrderElementsOf(
                TestDefinitions.SUBSTITUTIONS.keySet());
    }

    @Test
    void substitutionNamesMissingAndUnknownKeys() {
        Map<String, String> values = new HashMap<>(TestDefinitions.SUBSTITUTIONS);
        values.remove("ClusterArn");
        values.put("ClusterName", "bakery");

        assertThatThrownBy(() -> AslTemplate.buildStateMachine().substitute(values))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no value for [ClusterArn]")
                .hasMessageContaining("no placeholder for [ClusterName]");
    }

    @Test
    void isJsonPathOnlyAndEveryTaskHasATimeout() throws IOException {
        JsonNode definition = JSON.readTree(TestDefinitions.buildStateMachine());
        List<String> tasks = new ArrayList<>();
        definition.findParents("Type").forEach(state -> {
            if (state.path("Type").asText().equals("Task")) {
                tasks.add(state.path("Resource").asText());
                // Without one, AWS waits 99999999 s and the local runner 60 s: say what is meant.
                assertThat(state.has("TimeoutSeconds") || state.has("TimeoutSecondsPath")).as(state.toString()).isTrue();
            }
        });

        assertThat(definition.findValues("QueryLanguage")).isEmpty();
        assertThat(definition.findValues("Assign")).isEmpty();
        assertThat(tasks).containsOnly("arn:aws:states:::dynamodb:updateItem", "arn:aws:states:::aws-sdk:dynamodb:query",
                "arn:aws:states:::ecs:runTask.sync",
                "arn:aws:states:::lambda:invoke", "arn:aws:states:::events:putEvents",
                "arn:aws:states:::aws-sdk:secretsmanager:deleteSecret", TestDefinitions.K8S_ACTIVITY);
    }

    private record Validation(int exitCode, String output) {
    }

    private Validation validate(String definition) throws IOException, InterruptedException {
        NodeRuntime node = NodeRuntime.locate();
        Path file = Files.writeString(dir.resolve("build.asl.json"), definition);
        Process process = new ProcessBuilder(node.node().toString(),
                node.module("asl-validator").resolve("dist/bin/asl-validator.js").toString(), "--json-path", file.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Validation(process.exitValue(), output);
    }
}
