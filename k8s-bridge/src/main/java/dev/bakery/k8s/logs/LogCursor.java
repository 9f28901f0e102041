package dev.bakery.k8s.logs;

import java.time.Instant;
import java.util.List;

/**
 * How far a pod's log has been shipped, in CloudWatch Logs' own terms (millisecond timestamps), so a
 * restarted bridge can rebuild it from the log stream: the last shipped millisecond and how many
 * lines of that millisecond were shipped. Each read of the log starts at a whole second, so it
 * overlaps with what was shipped; the cursor drops the overlap.
 */
public record LogCursor(long lastMillis, int shippedAtLast) {

    /** Nothing shipped yet. */
    public static final LogCursor START = new LogCursor(Long.MIN_VALUE, 0);

    /** Where to start the next read, or null for the whole log. */
    public Instant since() {
        return lastMillis == Long.MIN_VALUE ? null : Instant.ofEpochMilli(lastMillis);
    }

    /** The lines of {@code read} (in log order) that come after the cursor. */
    public List<LogLine> unshipped(List<LogLine> read) {
        int skip = 0;
        int index = 0;
        for (; index < read.size(); index++) {
            long millis = read.get(index).timestamp().toEpochMilli();
            if (millis > lastMillis || millis == lastMillis && skip >= shippedAtLast) {
                break;
            }
            if (millis == lastMillis) {
                skip++;
            }
        }
        return read.subList(index, read.size());
    }

    /** The cursor after {@code shipped} (lines after this cursor, in order) went out. */
    public LogCursor after(List<LogLine> shipped) {
        if (shipped.isEmpty()) {
            return this;
        }
        long last = shipped.getLast().timestamp().toEpochMilli();
        int count = last == lastMillis ? shippedAtLast : 0;
        for (LogLine line : shipped) {
            if (line.timestamp().toEpochMilli() == last) {
                count++;
            }
        }
        return new LogCursor(last, count);
    }
}
