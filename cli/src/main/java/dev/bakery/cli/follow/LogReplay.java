package dev.bakery.cli.follow;

import dev.bakery.core.api.ApiModel;
import dev.bakery.cli.api.BakeryApi;
import dev.bakery.core.live.LiveMessage;
import dev.bakery.core.log.AgentLine;
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

    /** A stored line as the live ones come: the agent's fields, or the raw text as {@code msg}. */
    static LiveMessage.Line line(ApiModel.LogLine stored) {
        // A line some other process wrote to the log group is shown as it is.
        return AgentLine.parse(stored.message()).map(line -> line.live(stored.id()))
                .orElseGet(() -> new LiveMessage.Line(stored.id(), null, null, null, null, null, stored.message()));
    }
}
