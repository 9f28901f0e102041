package dev.bakery.functions.builds;

import java.util.List;

/** The agents' log lines of one build, in order, page by page. */
public interface LogSource {

    /** One stored line: the agent's JSON text, with its store's id and time. */
    record Line(String id, long timestamp, String message) {
    }

    record Page(List<Line> lines, String next) {
        public Page {
            lines = List.copyOf(lines);
        }
    }

    Page read(String buildId, long sinceEpochMillis, String next, int limit);
}
