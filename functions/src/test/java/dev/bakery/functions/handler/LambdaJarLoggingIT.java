package dev.bakery.functions.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.core.config.plugins.processor.PluginCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Lambda jar as Lambda runs it (a fresh JVM, the jar's own Log4j configuration and trimmed
 * plugin cache): its log lines are Powertools' JSON, with the Lambda fields, the build id and errors.
 */
class LambdaJarLoggingIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static Path lambdaJar() throws IOException {
        try (var files = Files.list(Path.of("target"))) {
            return files.filter(f -> f.getFileName().toString().endsWith("-lambda.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no target/*-lambda.jar: run mvn package"));
        }
    }

    @Test
    void logLinesArePowertoolsJsonWithTheLambdaFieldsAndTheBuildId() throws Exception {
        Path out = dir.resolve("out.txt");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                lambdaJar() + java.io.File.pathSeparator + Path.of("target", "test-classes"), LambdaJarLogProbe.class.getName())
                .redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand"); // as Lambda sets it: a cold start
        builder.environment().put("POWERTOOLS_SERVICE_NAME", "bakery");
        Process probe = builder.start();
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String printed = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(probe.exitValue()).as(printed).isZero();

        List<JsonNode> lines = new ArrayList<>();
        for (String line : printed.lines().toList()) {
            assertThat(line).as("every line the jar prints is a JSON object").startsWith("{");
            lines.add(JSON.readTree(line));
        }
        assertThat(lines).hasSize(2);
        JsonNode info = lines.get(0);
        assertThat(info.path("level").asText()).isEqualTo("INFO");
        assertThat(info.path("message").asText()).isEqualTo("build submitted by arn:aws:iam::111122223333:user/probe");
        assertThat(info.path("buildId").asText()).isEqualTo("b-20261122T000000-probe001");
        assertThat(info.path("function_name").asText()).isEqualTo("bakery-builds");
        assertThat(info.path("function_request_id").asText()).isEqualTo("probe-request-1");
        assertThat(info.path("function_memory_size").asText()).isEqualTo("1024");
        assertThat(info.path("cold_start").asText()).isEqualTo("true");
        assertThat(info.path("service").asText()).isEqualTo("bakery");
        assertThat(info.path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

        JsonNode error = lines.get(1);
        assertThat(error.path("level").asText()).isEqualTo("ERROR");
        assertThat(error.has("buildId")).isFalse();
        assertThat(error.path("error").path("name").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(error.path("error").path("message").asText()).isEqualTo("the probe failed on purpose");
        assertThat(error.path("error").path("stack").asText()).contains("LambdaJarLogProbe");
    }

    /** The build step that trims Log4j's plugin cache ran (cold starts no longer load ~180 unused plugin classes). */
    @Test
    void theJarsLog4jPluginCacheHoldsOnlyTheListedPlugins() throws Exception {
        PluginCache cache = new PluginCache();
        cache.loadCacheFiles(Collections.enumeration(List.of(URI.create("jar:" + lambdaJar().toUri()
                + "!/META-INF/org/apache/logging/log4j/core/config/plugins/Log4j2Plugins.dat").toURL())));
        assertThat(cache.getAllCategories().get("core")).containsKeys("console", "jsontemplatelayout")
                .doesNotContainKeys("kafka", "jdbc", "smtp", "rollingfile");
        assertThat(cache.getAllCategories().get("configurationfactory")).containsOnlyKeys("propertiesconfigurationfactory");
        assertThat(cache.getAllCategories()).doesNotContainKey("converter");
        assertThat(cache.getAllCategories().get("lookup")).doesNotContainKeys("jndi", "jvmrunargs");
    }
}
