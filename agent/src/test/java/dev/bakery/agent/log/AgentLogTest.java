package dev.bakery.agent.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentLogTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final AgentLog log = new AgentLog(new PrintStream(bytes, true, StandardCharsets.UTF_8),
            Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC), "b-1", "arm64", "arm64");

    private List<JsonNode> lines() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
            out.add(json.readTree(line));
        }
        return out;
    }

    @Test
    void everyLineIsOneJsonObjectWithTheTaskIds() throws Exception {
        log.info("build", "step 1/3: \"quoted\"\ttabbed");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("{\"ts\":\"2026-11-22T10:00:00Z\",\"buildId\":\"b-1\","
                + "\"taskId\":\"arm64\",\"arch\":\"arm64\",\"step\":\"build\",\"level\":\"info\","
                + "\"msg\":\"step 1/3: \\\"quoted\\\"\\ttabbed\"}\n");
    }

    @Test
    void loginsAreMaskedInEveryFormFromThenOn() throws Exception {
        log.info("credentials", "before: hunter2");
        log.mask(SecretMask.loginForms("ci", "hunter2"));
        log.warn("build", "auth ci:hunter2 header Basic Y2k6aHVudGVyMg== sent");
        List<JsonNode> lines = lines();
        assertThat(lines.get(0).path("msg").asText()).isEqualTo("before: hunter2");
        assertThat(lines.get(1).path("msg").asText()).isEqualTo("auth ci:*** header Basic *** sent");
    }

    @Test
    void buildSecretsAreMaskedWholeAndLineByLine() throws Exception {
        String key = "-----BEGIN KEY-----\nAAAAB3NzaC1yc2EAAAADAQAB\nok\n-----END KEY-----\n";
        log.mask(SecretMask.valueForms(key));
        log.mask(SecretMask.valueForms("expected-value"));
        log.info("build", "token is expected-value");
        log.info("build", "AAAAB3NzaC1yc2EAAAADAQAB");
        log.info("build", "ok");
        assertThat(lines()).extracting(l -> l.path("msg").asText()).containsExactly("token is ***", "***", "ok");
        assertThat(log.masked("value: expected-value")).isEqualTo("value: ***");
    }

    @Test
    void stepsLogStartAndEndWithTheirDuration() throws Exception {
        AgentLog.Step step = log.step("context");
        log.info("context", "working");
        step.close();
        AgentLog.Step failing = log.step("pre-script");
        failing.failed("exit code 2");
        failing.close();
        assertThat(lines()).extracting(l -> l.path("msg").asText()).containsExactly("context started", "working",
                "context finished in 0.0s", "pre-script started", "pre-script failed after 0.0s: exit code 2");
    }
}
