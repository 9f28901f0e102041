package dev.bakery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * The repository's action.yml is valid action metadata by SchemaStore's published schema, and what it
 * passes to the CLI (through scripts/action-run) are flags of the command it runs.
 */
class ActionMetadataTest {

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Schema schema() throws Exception {
        try (InputStream in = ActionMetadataTest.class.getResourceAsStream("/schemastore/github-action.json")) {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(in);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> action() throws Exception {
        return (Map<String, Object>) new Yaml().load(Files.readString(REPOSITORY.resolve("action.yml")));
    }

    private static List<Error> validate(Map<String, Object> metadata) throws Exception {
        return schema().validate(JSON.writeValueAsString(metadata), InputFormat.JSON);
    }

    @Test
    void actionYmlValidatesAgainstThePublishedSchema() throws Exception {
        assertThat(validate(action())).isEmpty();
    }

    @Test
    void theSchemaRefusesWhatGitHubRefuses() throws Exception {
        Map<String, Object> noShell = action();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> steps = (List<Map<String, Object>>) ((Map<String, Object>) noShell.get("runs")).get("steps");
        steps.getLast().remove("shell"); // a composite action's run step must name its shell
        assertThat(validate(noShell)).isNotEmpty();

        Map<String, Object> unknownKey = new LinkedHashMap<>(action());
        unknownKey.put("outputz", Map.of());
        assertThat(validate(unknownKey)).isNotEmpty();
    }

    /** Each input reaches the run step, and each flag scripts/action-run passes is one of the command's. */
    @Test
    @SuppressWarnings("unchecked")
    void everyInputReachesAFlagOfTheCli() throws Exception {
        Map<String, Object> inputs = (Map<String, Object>) action().get("inputs");
        String steps = JSON.writeValueAsString(((Map<String, Object>) action().get("runs")).get("steps"));
        for (String input : inputs.keySet()) {
            assertThat(steps).as("input " + input).contains("${{ inputs." + input + " }}");
        }
        String script = Files.readString(REPOSITORY.resolve("scripts/action-run"));
        CommandLine root = BakeryCommand.commandLine(CliContext.system());
        for (String command : List.of("build", "validate")) {
            assertThat(root.getSubcommands()).containsKey(command);
        }
        java.util.regex.Matcher flags = java.util.regex.Pattern.compile("args\\+=\\((--[a-z-]+)").matcher(script);
        int found = 0;
        while (flags.find()) {
            assertThat(root.getSubcommands().get("build").getCommandSpec().findOption(flags.group(1)))
                    .as("bakery build " + flags.group(1)).isNotNull();
            found++;
        }
        assertThat(found).isEqualTo(8);
        // validate gets only the plan's flags: they are the first four.
        for (String flag : List.of("--config", "--compose", "--services", "--repo")) {
            assertThat(root.getSubcommands().get("validate").getCommandSpec().findOption(flag)).as("validate " + flag).isNotNull();
        }
    }
}
