package dev.bakery.k8s.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.testing.LoopbackAws;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Log shipping as the loopback CloudWatch Logs (with PutLogEvents' limits) receives it. */
class BuildLogsTest {

    private static final String GROUP = "/bakery/builds";
    private static final Instant T = Instant.parse("2025-01-01T10:00:00Z");

    private final LoopbackAws aws = LoopbackAws.start().logGroup(GROUP);
    private final BuildLogs logs = new BuildLogs(aws.logs("eu-west-1"), GROUP);

    @AfterEach
    void stop() {
        aws.close();
    }

    @Test
    void manyLinesGoInBatchesWithinTheLimitsAndInOrder() {
        logs.createStream("k8s/b-1/job");
        List<LogLine> lines = new ArrayList<>(IntStream.range(0, 10_001).mapToObj(i -> new LogLine(T.plusMillis(i), "line " + i)).toList());
        IntStream.range(0, 6).forEach(i -> lines.add(new LogLine(T.plusSeconds(20 + i), "x".repeat(200_000))));

        logs.put("k8s/b-1/job", lines);

        // 10,000 events at most; then 1 MiB at most (each event counting 26 bytes more).
        assertThat(aws.bodies("PutLogEvents")).extracting(b -> b.path("logEvents").size()).containsExactly(10_000, 6, 1);
        List<LoopbackAws.LogEvent> stored = aws.logEvents(GROUP);
        assertThat(stored).hasSize(10_007);
        assertThat(stored.get(10_000).message()).isEqualTo("line 10000");
        assertThat(stored.get(10_000).timestamp()).isEqualTo(T.plusMillis(10_000).toEpochMilli());
    }

    @Test
    void aLineLongerThanAnEventMayBeIsCut() {
        logs.createStream("k8s/b-1/job");

        logs.put("k8s/b-1/job", List.of(new LogLine(T, "z".repeat(600_000))));

        assertThat(aws.logEvents(GROUP)).singleElement().satisfies(e -> assertThat(e.message())
                .hasSizeLessThanOrEqualTo(256 * 1024 - 26).startsWith("zzz").endsWith("..."));
    }

    @Test
    void creatingAStreamTwiceIsFine() {
        logs.createStream("k8s/b-1/job");
        logs.createStream("k8s/b-1/job");

        assertThat(aws.bodies("CreateLogStream")).hasSize(2);
    }

    @Test
    void theCursorOfAStreamIsItsLastMillisecondAndHowManyLinesShareIt() {
        assertThat(logs.cursor("k8s/b-1/job")).isEqualTo(LogCursor.START);
        logs.createStream("k8s/b-1/job");
        assertThat(logs.cursor("k8s/b-1/job")).isEqualTo(LogCursor.START);

        logs.put("k8s/b-1/job", List.of(new LogLine(T, "a"), new LogLine(T.plusMillis(5), "b"), new LogLine(T.plusMillis(5), "c")));

        assertThat(logs.cursor("k8s/b-1/job")).isEqualTo(new LogCursor(T.plusMillis(5).toEpochMilli(), 2));
    }
}
