package dev.bakery.k8s.logs;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** One line of the agent's output with the time the kubelet recorded it. */
public record LogLine(Instant timestamp, String message) {

    /**
     * Splits a pod log read with {@code timestamps=true}: every line is {@code <RFC 3339 time> <text>}.
     * Empty lines are dropped (CloudWatch Logs refuses empty events).
     */
    public static List<LogLine> parse(String log) {
        List<LogLine> lines = new ArrayList<>();
        if (log == null) {
            return lines;
        }
        Instant previous = Instant.EPOCH;
        for (String raw : log.split("\n")) {
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            int space = line.indexOf(' ');
            Instant at = previous;
            String message = line;
            if (space > 0) {
                try {
                    at = Instant.parse(line.substring(0, space));
                    message = line.substring(space + 1);
                } catch (DateTimeParseException noTimestamp) {
                    // not the kubelet's prefix: keep the whole line at the previous line's time
                }
            }
            previous = at;
            if (!message.isEmpty()) {
                lines.add(new LogLine(at, message));
            }
        }
        return lines;
    }
}
