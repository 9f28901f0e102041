package dev.bakery.agent.result;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.core.status.TaskResult;
import dev.bakery.core.status.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TerminationLogSinkTest {

    @TempDir
    Path temp;

    @Test
    void aLongErrorIsShortenedToFitKubernetesLimit() throws Exception {
        Path file = temp.resolve("termination-log");
        Instant t0 = Instant.parse("2026-11-22T10:00:00Z");
        new TerminationLogSink(file).record(new TaskResult(TaskStatus.FAILED, null, List.of(), 1, t0, t0.plusSeconds(5),
                "error: " + "x".repeat(20_000), false));
        assertThat(Files.size(file)).isLessThanOrEqualTo(TerminationLogSink.MAX_BYTES);
        JsonNode result = new ObjectMapper().readTree(file.toFile());
        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").asText()).startsWith("error: xxx").endsWith("...");
    }

    @Test
    void aSuccessCarriesDigestAndReferences() throws Exception {
        Path file = temp.resolve("termination-log");
        Instant t0 = Instant.parse("2026-11-22T10:00:00Z");
        String digest = "sha256:" + "c".repeat(64);
        new TerminationLogSink(file).record(new TaskResult(TaskStatus.SUCCEEDED, digest, List.of("r.example.com/app:1_arm64"),
                0, t0, t0.plusSeconds(5), null, false));
        JsonNode result = new ObjectMapper().readTree(file.toFile());
        assertThat(result.path("imageDigest").asText()).isEqualTo(digest);
        assertThat(result.path("pushed").get(0).asText()).isEqualTo("r.example.com/app:1_arm64");
        assertThat(result.path("interrupted").asBoolean()).isFalse();
    }
}
