package dev.bakery.functions.aws;

import dev.bakery.aws.AwsErrors;
import dev.bakery.core.log.LogStreams;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;

/**
 * Reads a build's log lines back from CloudWatch Logs (for {@code GET /builds/{id}/logs}): the
 * agent prints one JSON object per line with a {@code buildId} field, so FilterLogEvents with a
 * JSON filter pattern finds them across the streams of all of the build's tasks.
 */
public final class LogEvents {

    /** FilterLogEvents' largest page. */
    public static final int MAX_LIMIT = 10_000;
    private static final Pattern BUILD_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Pattern LOG_GROUP = Pattern.compile("[A-Za-z0-9._/#-]{1,512}");
    private static final Comparator<Event> ORDER = Comparator.comparingLong(Event::timestamp).thenComparing(Event::eventId);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One log line as CloudWatch Logs stored it. */
    public record Event(String eventId, long timestamp, String message, String logStream) {
        public Event {
            Objects.requireNonNull(eventId, "eventId");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(logStream, "logStream");
        }
    }

    /**
     * One answer: events ordered by timestamp, then eventId. A page may be empty while
     * {@code nextToken} is not (CloudWatch Logs stops after searching a part of the group): keep
     * asking until {@code nextToken} is null.
     */
    public record Page(List<Event> events, String nextToken) {
        public Page {
            events = List.copyOf(events);
        }
    }

    private final CloudWatchLogsClient client;

    public LogEvents(CloudWatchLogsClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * The build's log events in {@code logGroup} at or after {@code sinceEpochMillis}.
     *
     * @param nextToken the previous page's token, or null for the first page
     * @param limit     at most this many events, 1 to {@value #MAX_LIMIT}
     * @throws IllegalArgumentException {@code buildId} is not 1 to 128 of {@code [A-Za-z0-9_-]} (it goes into a
     *                                  filter pattern), or another argument is out of range; nothing was sent
     * @throws SdkException             CloudWatch Logs refused, e.g. {@code ResourceNotFoundException}
     *                                  for a missing log group
     */
    public Page filterByBuild(String logGroup, String buildId, long sinceEpochMillis, String nextToken, int limit) {
        Objects.requireNonNull(logGroup, "logGroup");
        Objects.requireNonNull(buildId, "buildId");
        if (!LOG_GROUP.matcher(logGroup).matches()) {
            throw new IllegalArgumentException("log group name " + logGroup + " must be 1 to 512 characters of letters, digits and ._/#-");
        }
        if (!BUILD_ID.matcher(buildId).matches()) {
            throw new IllegalArgumentException("build id must be 1 to 128 characters of letters, digits, _ and -, not "
                    + JSON.getNodeFactory().textNode(buildId));
        }
        if (sinceEpochMillis < 0) {
            throw new IllegalArgumentException("since must be epoch milliseconds, not " + sinceEpochMillis);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", not " + limit);
        }
        if (nextToken != null && nextToken.isEmpty()) {
            throw new IllegalArgumentException("nextToken must be null or a token of a previous page, not empty");
        }
        FilterLogEventsResponse response;
        try {
            response = client.filterLogEvents(r -> r.logGroupName(logGroup).filterPattern("{ $.buildId = \"" + buildId + "\" }")
                    .startTime(sinceEpochMillis).limit(limit).nextToken(nextToken));
        } catch (SdkException e) {
            throw AwsErrors.reword(e, explain(logGroup, buildId, e));
        }
        List<Event> events = response.events().stream()
                .map(e -> new Event(Objects.requireNonNullElse(e.eventId(), ""), Objects.requireNonNullElse(e.timestamp(), 0L),
                        Objects.requireNonNullElse(e.message(), ""), Objects.requireNonNullElse(e.logStreamName(), "")))
                // A stream that names its build (LogStreams) gives no line to another build, whatever the line says.
                .filter(e -> LogStreams.build(e.logStream()).map(buildId::equals).orElse(true))
                .sorted(ORDER) // FilterLogEvents interleaves the streams it searched
                .toList();
        String next = response.nextToken();
        return new Page(events, next != null && !next.isEmpty() ? next : null);
    }

    private static String explain(String logGroup, String buildId, SdkException e) {
        String what = "cannot read the logs of build " + buildId + " from log group " + logGroup;
        String code = AwsErrors.code(e);
        return switch (code == null ? "" : code) {
            case "ResourceNotFoundException" -> what + ": the log group does not exist (" + AwsErrors.describe(e) + ")";
            case "AccessDeniedException" -> what + ": missing IAM permission logs:FilterLogEvents on " + logGroup
                    + " (" + AwsErrors.describe(e) + ")";
            default -> AwsErrors.answered(e) ? what + " (" + AwsErrors.describe(e) + ")" : what + ": " + e.getMessage();
        };
    }
}
