package dev.bakery.functions.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

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

    private final AwsJsonClient client;

    public LogEvents(AwsJsonClient client) {
        if (!client.service().equals(AwsService.CLOUDWATCH_LOGS)) {
            throw new IllegalArgumentException("LogEvents needs a CloudWatch Logs client, not " + client.service());
        }
        this.client = client;
    }

    /** Production wiring: the regional endpoint and the default credentials chain. */
    public static LogEvents create(String region) {
        return new LogEvents(AwsJsonClient.create(AwsService.CLOUDWATCH_LOGS, region));
    }

    /**
     * The build's log events in {@code logGroup} at or after {@code sinceEpochMillis}.
     *
     * @param nextToken the previous page's token, or null for the first page
     * @param limit     at most this many events, 1 to {@value #MAX_LIMIT}
     * @throws IllegalArgumentException {@code buildId} is not 1 to 128 of {@code [A-Za-z0-9_-]} (it goes into a
     *                                  filter pattern), or another argument is out of range; nothing was sent
     * @throws AwsCallException         CloudWatch Logs refused, e.g. errorType {@code ResourceNotFoundException}
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
        ObjectNode request = JSON.createObjectNode()
                .put("logGroupName", logGroup)
                .put("filterPattern", "{ $.buildId = \"" + buildId + "\" }")
                .put("startTime", sinceEpochMillis)
                .put("limit", limit);
        if (nextToken != null) {
            request.put("nextToken", nextToken);
        }

        JsonNode response;
        try {
            response = client.call("FilterLogEvents", request);
        } catch (AwsCallException e) {
            throw new AwsCallException(explain(logGroup, buildId, e), e);
        }
        List<Event> events = new ArrayList<>();
        for (JsonNode event : response.path("events")) {
            events.add(new Event(event.path("eventId").asText(), event.path("timestamp").asLong(),
                    event.path("message").asText(), event.path("logStreamName").asText()));
        }
        events.sort(ORDER); // FilterLogEvents interleaves the streams it searched
        JsonNode next = response.get("nextToken");
        return new Page(events, next != null && next.isTextual() && !next.asText().isEmpty() ? next.asText() : null);
    }

    private static String explain(String logGroup, String buildId, AwsCallException e) {
        String what = "cannot read the logs of build " + buildId + " from log group " + logGroup;
        return switch (e.errorType() == null ? "" : e.errorType()) {
            case "ResourceNotFoundException" -> what + ": the log group does not exist (" + e.awsError() + ")";
            case "AccessDeniedException" -> what + ": missing IAM permission logs:FilterLogEvents on " + logGroup
                    + " (" + e.awsError() + ")";
            default -> e.status() == 0 ? what + ": " + e.getMessage() : what + " (" + e.awsError() + ")";
        };
    }
}
