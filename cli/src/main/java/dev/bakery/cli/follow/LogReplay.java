package dev.bakery.cli.follow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bakery.core.api.ApiModel;
import dev.bakery.cli.api.BakeryApi;
import dev.bakery.core.live.LiveMessage;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A build's stored lines ({@code GET /builds/{id}/logs}), each handed on once: lines already seen,
 * live or in an earlier replay, are dropped by their event id. Later replays start a little before
 * the newest stored time seen, because lines of several tasks reach the store out of time order.
 */
public final class LogReplay {

    /** How far before the newest seen line a later replay starts: longer than any ingestion lag. */
    static final long OVERLAP_MILLIS = 5 * 60_000;

    private final BakeryApi api;
    private final String buildId;
    private final Set<String> seen = new HashSet<>();
    private long newest;

    public LogReplay(BakeryApi api, String buildId) {
        this.api = api;
        this.buildId = buildId;
    }

    /** Whether a line is new; marks it seen. Lines without an id cannot repeat and always count as new. */
    public synchronized boolean firstTime(LiveMessage.Line line) {
        return line.id() == null || seen.add(line.id());
    }

    /** Every stored line not seen yet, page after page, in the store's order. */
    public void replay(Consumer<LiveMessage.Line> sink) throws InterruptedException {
        long since = Math.max(0, newest - OVERLAP_MILLIS);
        String next = null;
        do {
            ApiModel.LogPage page = api.logs(buildId, since, next);
            for (ApiModel.LogLine stored : page.lines()) {
                newest = Math.max(newest, stored.timestamp());
                LiveMessage.Line line = line(stored);
                if (firstTime(line)) {
                    sink.accept(line);
                }
            }
            next = page.next();
        } while (next != null);
    }

    /** A stored line as the live ones come: the agent's JSON fields, or the raw text as {@code msg}. */
    static LiveMessage.Line line(ApiModel.LogLine stored) {
        try {
            JsonNode json = BakeryApi.JSON.readTree(stored.message());
            if (json != null && json.isObject()) {
                return new LiveMessage.Line(stored.id(), text(json, "ts"), text(json, "taskId"), text(json, "arch"),
                        text(json, "step"), text(json, "level"), text(json, "msg"));
            }
        } catch (IOException notJson) {
            // a line some other process wrote to the log group: show it as it is
        }
        return new LiveMessage.Line(stored.id(), null, null, null, null, null, stored.message());
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value.isValueNode() ? value.asText() : value.toString();
    }
}
