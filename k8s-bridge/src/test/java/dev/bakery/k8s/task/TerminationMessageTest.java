package dev.bakery.k8s.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.agent.result.TerminationLogSink;
import dev.bakery.core.status.TaskResult;
import dev.bakery.core.status.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bridge reads exactly what the agent's TerminationLogSink writes. */
class TerminationMessageTest {

    private static final Instant START = Instant.parse("2025-01-01T10:00:00Z");

    @TempDir
    Path temp;

    private String written(TaskResult result) throws Exception {
        Path file = temp.resolve("termination-log");
        new TerminationLogSink(file).record(result);
        return Files.readString(file);
    }

    @Test
    void readsTheAgentsSuccess() throws Exception {
        TaskResult result = new TaskResult(TaskStatus.SUCCEEDED, "sha256:" + "a".repeat(64), List.of("r.example/app:1_arm64"), 0,
                START, START.plusSeconds(42), null, false);

        assertThat(TerminationMessage.parse(written(result))).contains(result);
    }

    @Test
    void readsAFailureWhoseErrorTheAgentShortenedToFit() throws Exception {
        TaskResult result = new TaskResult(TaskStatus.FAILED, null, List.of(), 1, START, START.plusSeconds(3),
                "x".repeat(10_000), true);

        TaskResult read = TerminationMessage.parse(written(result)).orElseThrow();

        assertThat(read.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(read.interrupted()).isTrue();
        assertThat(read.error()).startsWith("xxx").endsWith("...").hasSizeLessThan(4096);
    }

    @Test
    void anythingElseIsNoResult() {
        assertThat(TerminationMessage.parse(null)).isEmpty();
        assertThat(TerminationMessage.parse("")).isEmpty();
        assertThat(TerminationMessage.parse("panic: runtime error")).isEmpty();
        assertThat(TerminationMessage.parse("{\"status\":\"RUNNING\"}")).isEmpty();
    }
}
