package dev.bakery.functions.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.core.live.LiveMessage;
import dev.bakery.core.BuildId;
import dev.bakery.functions.builds.Ownership;
import dev.bakery.store.BuildRecord;
import dev.bakery.store.BuildStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The WebSocket API's routes, without Lambda types (the handler and the local mode share them).
 * A client sends {@code {"action":"subscribe","buildId":"b-…","since":…}} or
 * {@code {"action":"unsubscribe","buildId":"b-…"}}; every message gets exactly one answer: the
 * build's {@link LiveMessage.Status}, its {@link LiveMessage.Done} summary when it is already over,
 * or an {@link LiveMessage.Error} saying what was wrong.
 *
 * <p>{@code since} is checked (epoch milliseconds or an ISO-8601 instant, as in the REST log replay)
 * but replays nothing here: live messages start at the subscription, and a client catches up on
 * earlier lines with {@code GET /builds/{id}/logs?since=}.
 */
public final class WebSocketRoutes {

    /** The principal recorded for a connection that arrived without one (only possible without IAM auth). */
    public static final String ANONYMOUS = "anonymous";

    static final String ACTIONS = "the actions are \"subscribe\" (with \"buildId\" and an optional \"since\")"
            + " and \"unsubscribe\" (with \"buildId\"), e.g. {\"action\":\"subscribe\",\"buildId\":\"b-…\"}";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A text frame carries at most 128 KiB; a request is a few dozen bytes. */
    private static final int MAX_MESSAGE_CHARS = 4096;

    private final Subscriptions subscriptions;
    private final BuildStore builds;
    private final Ownership ownership;
    private final Clock clock;

    /** @param ownership whose builds a connection may follow: those its principal may read over REST */
    public WebSocketRoutes(Subscriptions subscriptions, BuildStore builds, Ownership ownership, Clock clock) {
        this.subscriptions = subscriptions;
        this.builds = builds;
        this.ownership = ownership;
        this.clock = clock;
    }

    /** {@code $connect}: records the connection and who opened it (TTL {@link Subscriptions#TTL}). */
    public void connect(String connectionId, String principal) {
        subscriptions.connect(connectionId, principal == null || principal.isBlank() ? ANONYMOUS : principal,
                clock.instant());
    }

    /** {@code $disconnect}: removes the connection and its subscriptions; harmless when repeated. */
    public void disconnect(String connectionId) {
        subscriptions.disconnect(connectionId);
    }

    /** Any message ({@code subscribe}, {@code unsubscribe} or {@code $default}): the answer to send back. */
    public LiveMessage message(String connectionId, String body) {
        Optional<String> principal = subscriptions.principal(connectionId);
        if (principal.isEmpty()) {
            return notConnected(connectionId);
        }
        if (body == null || body.isBlank()) {
            return new LiveMessage.Error("invalid_json", "the message is empty; " + ACTIONS);
        }
        if (body.length() > MAX_MESSAGE_CHARS) {
            return new LiveMessage.Error("invalid_json", "the message is " + body.length() + " characters; the limit is "
                    + MAX_MESSAGE_CHARS + "; " + ACTIONS);
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return new LiveMessage.Error("invalid_json", "the message is not valid JSON (" + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + "); " + ACTIONS);
        }
        if (!(json instanceof ObjectNode request)) {
            return new LiveMessage.Error("invalid_json", "the message must be a JSON object; " + ACTIONS);
        }
        JsonNode action = request.get("action");
        if (action == null || action.isNull()) {
            return new LiveMessage.Error("missing_action", "the message has no \"action\"; " + ACTIONS);
        }
        if (!action.isTextual()) {
            return new LiveMessage.Error("unknown_action", "\"action\" must be a string; " + ACTIONS);
        }
        return switch (action.asText()) {
            case "subscribe" -> subscribe(connectionId, principal.get(), request);
            case "unsubscribe" -> unsubscribe(connectionId, principal.get(), request);
            default -> new LiveMessage.Error("unknown_action", "unknown action \"" + shorten(action.asText()) + "\"; " + ACTIONS);
        };
    }

    private LiveMessage subscribe(String connectionId, String principal, ObjectNode request) {
        String buildId = buildId(request);
        if (!BuildId.isValid(buildId)) {
            return invalidBuildId(request, "subscribe");
        }
        JsonNode since = request.get("since");
        if (since != null && !since.isNull() && !validSince(since)) {
            return new LiveMessage.Error("invalid_since", "\"since\" must be epoch milliseconds or an ISO-8601 instant");
        }
        Optional<BuildRecord> build = visible(buildId, principal);
        if (build.isEmpty()) {
            return notFound(buildId);
        }
        if (build.get().status().isFinal()) {
            // Nothing more will be sent about it: the summary is the whole answer.
            return done(build.get());
        }
        try {
            subscriptions.subscribe(buildId, connectionId, clock.instant());
        } catch (UnknownConnectionException e) {
            return notConnected(connectionId); // disconnected meanwhile
        }
        // Read again after subscribing: a change between the first read and the subscription reached
        // no subscriber, so the answer must show it.
        return builds.build(buildId).map(this::current).orElseGet(() -> notFound(buildId));
    }

    /** The build if the connection's principal may follow it; another owner's is "not found", as over REST. */
    private Optional<BuildRecord> visible(String buildId, String principal) {
        return builds.build(buildId).filter(build -> ownership.mayAccess(principal, build));
    }

    private LiveMessage unsubscribe(String connectionId, String principal, ObjectNode request) {
        String buildId = buildId(request);
        if (!BuildId.isValid(buildId)) {
            return invalidBuildId(request, "unsubscribe");
        }
        subscriptions.unsubscribe(buildId, connectionId);
        return visible(buildId, principal).<LiveMessage>map(b -> status(b)).orElseGet(() -> notFound(buildId));
    }

    private LiveMessage current(BuildRecord build) {
        return build.status().isFinal() ? done(build) : status(build);
    }

    private static LiveMessage.Status status(BuildRecord build) {
        return new LiveMessage.Status(build.id(), build.status().name(), null, null, null);
    }

    /** The final summary, as the status notifier sends it; a task that never started has no duration. */
    private LiveMessage.Done done(BuildRecord build) {
        return new LiveMessage.Done(build.id(), build.status().name(), build.indexDigest(), builds.timedTasks(build.id())
                .stream().map(timed -> new LiveMessage.DoneTask(timed.task().taskId(), timed.task().arch(),
                        timed.task().imageDigest(), timed.task().status().name(),
                        timed.startedAt() == null || timed.finishedAt() == null ? null
                                : Duration.between(timed.startedAt(), timed.finishedAt()).toMillis()))
                .toList());
    }

    private static String buildId(ObjectNode request) {
        JsonNode id = request.get("buildId");
        return id != null && id.isTextual() ? id.asText() : null;
    }

    private static LiveMessage.Error invalidBuildId(ObjectNode request, String action) {
        JsonNode id = request.get("buildId");
        if (id == null || id.isNull()) {
            return new LiveMessage.Error("missing_build_id", action + " needs a \"buildId\", e.g. {\"action\":\""
                    + action + "\",\"buildId\":\"b-…\"}");
        }
        if (!id.isTextual()) {
            return new LiveMessage.Error("invalid_build_id", "\"buildId\" must be a string");
        }
        return new LiveMessage.Error("invalid_build_id", "\"" + shorten(id.asText())
                + "\" is not a build id (b-<time>-<random>[-<service>], at most 80 characters of [A-Za-z0-9_-])");
    }

    /** The same forms as the REST log replay's {@code since}. */
    private static boolean validSince(JsonNode since) {
        if (since.isIntegralNumber()) {
            return since.canConvertToLong() && since.asLong() >= 0;
        }
        if (!since.isTextual()) {
            return false;
        }
        String text = since.asText();
        if (text.matches("\\d{1,15}")) {
            return true;
        }
        try {
            Instant.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static LiveMessage.Error notFound(String buildId) {
        return new LiveMessage.Error("not_found", "no build " + buildId);
    }

    private static LiveMessage.Error notConnected(String connectionId) {
        return new LiveMessage.Error("not_connected", "connection " + connectionId
                + " is not connected (it expired or was closed); reconnect and subscribe again");
    }

    /** Echoed client text, cut so an error always fits a frame. */
    private static String shorten(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "…";
    }
}
