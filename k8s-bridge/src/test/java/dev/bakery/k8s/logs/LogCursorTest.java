package dev.bakery.k8s.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogCursorTest {

    private static final Instant T = Instant.parse("2025-01-01T10:00:00.123456789Z");

    @Test
    void podLogLinesCarryTheKubeletsTimestamp() {
        String log = "2025-01-01T10:00:00.123456789Z {\"msg\":\"a b\"}\n2025-01-01T10:00:01Z plain\n\n"
                + "2025-01-01T10:00:02Z \nno-timestamp-here\n";

        assertThat(LogLine.parse(log)).containsExactly(new LogLine(T, "{\"msg\":\"a b\"}"),
                new LogLine(Instant.parse("2025-01-01T10:00:01Z"), "plain"),
                new LogLine(Instant.parse("2025-01-01T10:00:02Z"), "no-timestamp-here"));
    }

    @Test
    void aReadFromTheWholeSecondSkipsWhatWasShipped() {
        List<LogLine> first = List.of(new LogLine(T.minusMillis(3), "a"), new LogLine(T, "b"), new LogLine(T, "c"));
        LogCursor cursor = LogCursor.START.after(LogCursor.START.unshipped(first));
        assertThat(cursor).isEqualTo(new LogCursor(T.toEpochMilli(), 2));
        assertThat(cursor.since()).isEqualTo(Instant.ofEpochMilli(T.toEpochMilli()));

        // The next read starts at the second: it repeats a, b, c and brings d (same millisecond) and e.
        List<LogLine> again = List.of(new LogLine(T.minusMillis(3), "a"), new LogLine(T, "b"), new LogLine(T, "c"),
                new LogLine(T, "d"), new LogLine(T.plusMillis(1), "e"));
        List<LogLine> fresh = cursor.unshipped(again);

        assertThat(fresh).extracting(LogLine::message).containsExactly("d", "e");
        assertThat(cursor.after(fresh)).isEqualTo(new LogCursor(T.toEpochMilli() + 1, 1));
        assertThat(cursor.after(List.of(new LogLine(T, "d")))).isEqualTo(new LogCursor(T.toEpochMilli(), 3));
        assertThat(cursor.after(List.of())).isEqualTo(cursor);
    }

    @Test
    void theStartShipsEverything() {
        List<LogLine> lines = List.of(new LogLine(T, "a"));
        assertThat(LogCursor.START.unshipped(lines)).isEqualTo(lines);
        assertThat(LogCursor.START.since()).isNull();
    }
}
