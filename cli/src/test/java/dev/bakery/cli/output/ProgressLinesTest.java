package dev.bakery.cli.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bakery.cli.testing.AgentPlay;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The upload's lines in a CI log: bytes, percent and rate every interval, a last line with the total. */
class ProgressLinesTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aLineEveryIntervalThenTheTotal() throws InterruptedException {
        ProgressLines progress = new ProgressLines(out, Duration.ofMillis(100));
        progress.started(4 * 1024 * 1024);
        progress.advanced(1024 * 1024);

        AgentPlay.await(() -> printed().contains("uploading context: 1.0 MiB of 4.0 MiB (25%), "), "a progress line");
        progress.advanced(3 * 1024 * 1024);
        progress.finished();

        assertThat(printed()).containsPattern("uploading context: 1\\.0 MiB of 4\\.0 MiB \\(25%\\), \\d+\\.\\d MiB/s\n")
                .containsPattern("uploaded context: 4\\.0 MiB in \\d+\\.\\d s \\(\\d+\\.\\d MiB/s\\)\n$")
                .doesNotContain("\r");
        String after = printed();
        Thread.sleep(300); // three intervals: the timer has stopped
        assertThat(printed()).as("no line after the end").isEqualTo(after);
    }

    @Test
    void zeroTurnsTheLinesOffButNotTheTotal() {
        ProgressLines progress = new ProgressLines(out, ProgressLines.interval(Map.of("BAKERY_PROGRESS_INTERVAL", "0")));
        progress.started(1024);
        progress.advanced(1024);
        progress.finished();

        assertThat(printed()).startsWith("uploaded context: 0.0 MiB in ").doesNotContain("uploading");
    }

    @Test
    void theIntervalComesFromTheEnvironment() {
        assertThat(ProgressLines.interval(Map.of())).isEqualTo(Duration.ofSeconds(5));
        assertThat(ProgressLines.interval(Map.of("BAKERY_PROGRESS_INTERVAL", "2.5"))).isEqualTo(Duration.ofMillis(2500));
        assertThatThrownBy(() -> ProgressLines.interval(Map.of("BAKERY_PROGRESS_INTERVAL", "often")))
                .hasMessage("BAKERY_PROGRESS_INTERVAL=often is not a number of seconds between 0 and 3600");
    }
}
