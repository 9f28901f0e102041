package dev.bakery.functions.builds;

import dev.bakery.functions.aws.LogEvents;

/** The agents' lines from the build log group, selected by their buildId field. */
public final class CloudWatchLogSource implements LogSource {

    private final LogEvents events;
    private final String logGroup;

    public CloudWatchLogSource(LogEvents events, String logGroup) {
        this.events = events;
        this.logGroup = logGroup;
    }

    @Override
    public Page read(String buildId, long sinceEpochMillis, String next, int limit) {
        LogEvents.Page page = events.filterByBuild(logGroup, buildId, sinceEpochMillis, next, limit);
        return new Page(page.events().stream().map(e -> new Line(e.eventId(), e.timestamp(), e.message())).toList(),
                page.nextToken());
    }
}
