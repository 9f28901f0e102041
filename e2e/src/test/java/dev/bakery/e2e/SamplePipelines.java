package dev.bakery.e2e;

import dev.bakery.testing.BakeryJars;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * Runs the steps of samples/ci's pipelines as their CI would, against the local mode: GitHub's steps
 * that use the repository's action through action.yml's own wiring (its inputs and defaults into the
 * environment of scripts/action-run), its `run:` steps and GitLab's `before_script` and `script` in a
 * shell, each with the same text the sample shows. Two things differ, both where a sample names the AWS
 * account: the stack and region flags become {@code --endpoint local}, and a build of samples/multiarch
 * (base images from Docker Hub, pushes to ghcr.io with secrets) builds samples/hello instead.
 */
final class SamplePipelines {

    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{\\s*([^}]+?)\\s*}}");

    /** One step as it ran: its shell text or action inputs, exit code and output. */
    record Step(String name, int exit, String output) {
    }

    private final Path bin;
    private final Path dataDir;
    private final Path work;

    /** @param bin the installed CLI's bin directory */
    SamplePipelines(Path bin, Path dataDir, Path work) {
        this.bin = bin;
        this.dataDir = dataDir;
        this.work = work;
    }

    /** The environment-specific parts of a sample's command, and only those. */
    static String local(String text, boolean build) {
        String out = text.replaceAll("--stack \"\\$BAKERY_STACK\" --region \"\\$AWS_REGION\"", "--endpoint local");
        return build ? out.replace("samples/multiarch", "samples/hello") : out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(Path file) throws IOException {
        return (Map<String, Object>) new Yaml().load(Files.readString(file));
    }

    /** The GitHub sample's job, step by step; each step's outputs visible to the later ones. */
    @SuppressWarnings("unchecked")
    List<Step> github(Path workflow, Path summary) throws Exception {
        Map<String, Object> document = yaml(workflow);
        Map<String, String> env = new LinkedHashMap<>((Map<String, String>) document.get("env"));
        Map<String, Object> action = yaml(BakeryJars.ROOT.resolve("action.yml"));
        Map<String, Map<String, String>> outputs = new HashMap<>();
        Map<String, Object> job = (Map<String, Object>) ((Map<String, Object>) document.get("jobs")).get("build");
        List<Step> ran = new java.util.ArrayList<>();
        for (Map<String, Object> step : (List<Map<String, Object>>) job.get("steps")) {
            String uses = (String) step.get("uses");
            String name = String.valueOf(step.getOrDefault("name", uses));
            Path output = Files.createTempFile(work, "github-output", "");
            Map<String, String> stepEnv = new LinkedHashMap<>(env);
            stepEnv.put("GITHUB_ACTIONS", "true");
            stepEnv.put("GITHUB_OUTPUT", output.toString());
            stepEnv.put("GITHUB_STEP_SUMMARY", summary.toString());
            stepEnv.put("RUNNER_TEMP", work.toString());
            Step result;
            if (uses != null && uses.startsWith("acme/bakery-on-aws@")) {
                Map<String, String> with = new LinkedHashMap<>();
                ((Map<String, Object>) step.getOrDefault("with", Map.of())).forEach((k, v) -> with.put(k, String.valueOf(v)));
                boolean build = !"validate".equals(with.get("command"));
                boolean aws = with.containsKey("stack") || with.containsKey("region");
                with.remove("stack");
                with.remove("region");
                if (aws) {
                    with.put("endpoint", "local");
                }
                with.replaceAll((k, v) -> local(expand(v, env, outputs), build));
                stepEnv.putAll(actionEnvironment(action, with));
                result = run(name, List.of(BakeryJars.ROOT.resolve("scripts/action-run").toString()), stepEnv, BakeryJars.ROOT);
            } else if (step.get("run") != null) {
                String script = local(expand((String) step.get("run"), env, outputs), false);
                result = run(name, List.of("bash", "-e", "-c", script), stepEnv, BakeryJars.ROOT);
            } else {
                continue; // checkout, AWS credentials: the machine has the repository, the local mode needs no keys
            }
            ran.add(result);
            if (step.get("id") != null) {
                outputs.put((String) step.get("id"), outputs(output));
            }
        }
        return ran;
    }

    /** GitLab's job: before_script and script lines in one shell, as its runner does. */
    @SuppressWarnings("unchecked")
    Step gitlab(Path pipeline) throws Exception {
        Map<String, Object> document = yaml(pipeline);
        Map<String, String> env = new LinkedHashMap<>();
        ((Map<String, Object>) document.get("variables")).forEach((k, v) -> env.put(k, String.valueOf(v)));
        Map<String, Object> job = (Map<String, Object>) document.get("build-images");
        env.put("CI_BUILDS_DIR", work.toString());
        env.put("AWS_ID_TOKEN", "not-used-by-the-local-mode");
        env.put("CI_PROJECT_ID", "1");
        env.put("CI_JOB_ID", "2");
        env.put("CI_COMMIT_SHA", "0123abc");
        env.put("CI_JOB_URL", "https://gitlab.example.com/job/2");
        StringBuilder script = new StringBuilder("set -e\n");
        for (String line : (List<String>) job.get("before_script")) {
            script.append(line).append('\n');
        }
        for (String line : (List<String>) job.get("script")) {
            script.append(local(line, line.contains("bakery build"))).append('\n');
        }
        // A checkout of its own: the job writes bakery-metadata.json into its working directory.
        Path checkout = Files.createDirectories(work.resolve("gitlab-checkout"));
        if (!Files.exists(checkout.resolve("samples"))) {
            Files.createSymbolicLink(checkout.resolve("samples"), BakeryJars.ROOT.resolve("samples"));
        }
        return run("gitlab build-images", List.of("bash", "-c", script.toString()), env, checkout);
    }

    /** What action.yml's run step puts in the environment, from the step's inputs or the inputs' defaults. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> actionEnvironment(Map<String, Object> action, Map<String, String> with) {
        Map<String, Object> inputs = (Map<String, Object>) action.get("inputs");
        List<Map<String, Object>> steps = (List<Map<String, Object>>) ((Map<String, Object>) action.get("runs")).get("steps");
        Map<String, String> mapping = (Map<String, String>) steps.stream().filter(s -> "run".equals(s.get("id"))).findFirst()
                .orElseThrow().get("env");
        Map<String, String> env = new LinkedHashMap<>();
        mapping.forEach((variable, expression) -> {
            Matcher input = Pattern.compile("\\$\\{\\{ inputs\\.([a-z-]+) }}").matcher(expression);
            assertThat(input.matches()).as(variable + ": " + expression).isTrue();
            assertThat(inputs).as("action.yml input " + input.group(1)).containsKey(input.group(1));
            String fallback = String.valueOf(((Map<String, Object>) inputs.get(input.group(1))).getOrDefault("default", ""));
            env.put(variable, with.getOrDefault(input.group(1), fallback));
        });
        assertThat(mapping.values().stream().map(v -> v.replaceAll(".*inputs\\.([a-z-]+).*", "$1")))
                .as("every input the step is given is one action.yml passes on").containsAll(with.keySet());
        return env;
    }

    private static String expand(String text, Map<String, String> env, Map<String, Map<String, String>> outputs) {
        Matcher m = EXPRESSION.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String expression = m.group(1);
            String value;
            if (expression.startsWith("env.")) {
                value = env.get(expression.substring(4));
            } else if (expression.startsWith("steps.")) {
                String[] parts = expression.split("\\.");
                value = outputs.getOrDefault(parts[1], Map.of()).get(parts[3]);
            } else {
                value = switch (expression) {
                    case "github.server_url" -> "https://github.com";
                    case "github.repository" -> "acme/greeter";
                    case "github.run_id" -> "42";
                    case "github.sha" -> "0123abc";
                    default -> throw new AssertionError("an expression the test does not know: " + expression);
                };
            }
            assertThat(value).as(expression).isNotNull();
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    private static Map<String, String> outputs(Path file) throws IOException {
        Map<String, String> outputs = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                outputs.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return outputs;
    }

    private Step run(String name, List<String> command, Map<String, String> env, Path directory) throws Exception {
        Path log = Files.createTempFile(work, "step", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().put("PATH", bin + ":/usr/bin:/bin");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("HOME", work.resolve("home").toString());
        builder.environment().put("BAKERY_LOCAL_DIR", dataDir.toString());
        Process process = builder.start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as(name).isTrue();
        return new Step(name, process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
