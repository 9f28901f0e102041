package dev.bakery.functions.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.core.live.LiveMessage;
import dev.bakery.core.log.AgentLine;
import dev.bakery.core.log.LogStreams;
import dev.bakery.core.live.LiveMessages;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * The CloudWatch Logs subscription's consumer: turns the agents' log lines into {@link LiveMessage.Log}
 * messages for the WebSocket connections following each build.
 *
 * <p>Input is the subscription payload as Lambda gets it ({@code awslogs.data}): base64 of gzip of
 * {@code {messageType, owner, logGroup, logStream, subscriptionFilters, logEvents: [{id, timestamp, message}]}}.
 * A {@code CONTROL_MESSAGE} (CloudWatch checking that the destination is reachable) is ignored. Each
 * event's message is one agent line, {@code {ts, buildId, taskId, arch, step, level, msg}}; a line that
 * is not a JSON object with a {@code buildId}, or that names another build than its stream does
 * ({@link LogStreams}), is skipped and counted, never costing the other lines.
 *
 * <p>Lines are grouped by build in their order; each build's subscribers are looked up once, and its
 * lines go out in as few messages as fit in {@link ConnectionPoster#MAX_FRAME_BYTES} (UTF-8 bytes of the
 * whole JSON text). Each line carries its CloudWatch event id so that a client drops repeats (a payload
 * is delivered at least once). A line that alone would not fit has its {@code msg} cut, ending with a
 * {@code [truncated ...]} marker. A connection that is gone loses its subscription (and, for the rest
 * of this payload, is not posted to again for any build); other posting failures do not stop the
 * remaining connections and builds, and the first of them is thrown at the end so that Lambda's retry
 * delivers the payload again.
 */
public final class LogForwarder {

    /** What one payload did. */
    public record Result(int lines, int skipped, int messagesPosted, int goneRemoved) {
        public static final Result NONE = new Result(0, 0, 0, 0);
    }

    /** Base64 text of at most this size is accepted; CloudWatch sends well under 1 MB. */
    private static final int MAX_DATA_CHARS = 16 << 20;
    /** Decompressed payloads larger than this are refused (CloudWatch's own are at most a few MB). */
    private static final int MAX_PAYLOAD_BYTES = 64 << 20;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final ObjectMapper WRITER = new ObjectMapper();
    /** Other fields of a line over this length are cut too when the line alone does not fit in a frame. */
    private static final int MAX_FIELD_CHARS_WHEN_CUT = 1024;

    private final Subscriptions subscriptions;
    private final ConnectionPoster poster;
    private final int maxFrameBytes;

    public LogForwarder(Subscriptions subscriptions, ConnectionPoster poster) {
        this(subscriptions, poster, ConnectionPoster.MAX_FRAME_BYTES);
    }

    /** With a smaller frame limit (tests). */
    LogForwarder(Subscriptions subscriptions, ConnectionPoster poster, int maxFrameBytes) {
        this.subscriptions = Objects.requireNonNull(subscriptions, "subscriptions");
        this.poster = Objects.requireNonNull(poster, "poster");
        if (maxFrameBytes < 1024) {
            throw new IllegalArgumentException("a frame limit under 1 KiB leaves no room for a line");
        }
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * Forwards one subscription payload.
     *
     * @param awslogsData {@code awslogs.data} of the Lambda event
     * @throws IllegalArgumentException the payload is not base64 of gzip of the subscription JSON
     * @throws RuntimeException         the first failure to look up subscribers or to post (other than a gone
     *                                  connection), after everything else was forwarded
     */
    public Result forward(String awslogsData) {
        JsonNode payload = decode(awslogsData);
        if (!"DATA_MESSAGE".equals(payload.path("messageType").asText())) {
            return Result.NONE; // CONTROL_MESSAGE, or a kind this code does not know
        }
        JsonNode events = payload.path("logEvents");
        if (!events.isArray()) {
            throw new IllegalArgumentException("the subscription payload has no logEvents array");
        }
        Map<String, List<LiveMessage.Line>> byBuild = new LinkedHashMap<>();
        int lines = 0;
        int skipped = 0;
        // A payload is one stream's; a stream that names its build takes no line for another.
        String owner = LogStreams.build(payload.path("logStream").asText("")).orElse(null);
        for (JsonNode event : events) {
            Parsed parsed = parse(event);
            if (parsed == null || owner != null && !owner.equals(parsed.buildId())) {
                skipped++;
                continue;
            }
            lines++;
            byBuild.computeIfAbsent(parsed.buildId(), b -> new ArrayList<>()).add(parsed.line());
        }
        int posted = 0;
        int gone = 0;
        Set<String> goneConnections = new HashSet<>();
        RuntimeException failure = null;
        for (Map.Entry<String, List<LiveMessage.Line>> build : byBuild.entrySet()) {
            String buildId = build.getKey();
            List<String> connections;
            try {
                connections = new ArrayList<>(subscriptions.subscribers(buildId));
            } catch (RuntimeException e) {
                failure = keep(failure, e);
                continue;
            }
            if (connections.isEmpty()) {
                continue; // nobody watching: no need to even serialize
            }
            for (String connection : List.copyOf(connections)) {
                if (goneConnections.contains(connection)) {
                    connections.remove(connection);
                    failure = keep(failure, unsubscribe(buildId, connection));
                    gone++;
                }
            }
            for (String frame : frames(buildId, build.getValue())) {
                if (connections.isEmpty()) {
                    break;
                }
                for (String connection : List.copyOf(connections)) {
                    try {
                        poster.post(connection, frame);
                        posted++;
                    } catch (ConnectionGoneException e) {
                        connections.remove(connection);
                        goneConnections.add(connection);
                        failure = keep(failure, unsubscribe(buildId, connection));
                        gone++;
                    } catch (RuntimeException e) {
                        // Not gone, just failing (throttled beyond the retries, refused): the later frames
                        // of this build would fail the same way and must not arrive without this one.
                        connections.remove(connection);
                        failure = keep(failure, e);
                    }
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return new Result(lines, skipped, posted, gone);
    }

    private RuntimeException unsubscribe(String buildId, String connection) {
        try {
            subscriptions.unsubscribe(buildId, connection);
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static RuntimeException keep(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        if (next != null && next != first && first.getSuppressed().length < 10) {
            first.addSuppressed(next);
        }
        return first;
    }

    // ---- decoding ----

    static JsonNode decode(String awslogsData) {
        if (awslogsData == null || awslogsData.isBlank()) {
            throw new IllegalArgumentException("the event has no awslogs.data");
        }
        if (awslogsData.length() > MAX_DATA_CHARS) {
            throw new IllegalArgumentException("awslogs.data is larger than " + MAX_DATA_CHARS + " characters");
        }
        byte[] gzip;
        try {
            gzip = java.util.Base64.getMimeDecoder().decode(awslogsData.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("awslogs.data is not base64: " + e.getMessage(), e);
        }
        byte[] json;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            json = in.readNBytes(MAX_PAYLOAD_BYTES + 1);
        } catch (IOException e) {
            throw new IllegalArgumentException("awslogs.data is not gzip: " + e.getMessage(), e);
        }
        if (json.length > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("the subscription payload is larger than " + MAX_PAYLOAD_BYTES + " bytes");
        }
        JsonNode payload;
        try {
            payload = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("the subscription payload is not JSON: " + e.getMessage(), e);
        }
        if (payload == null || !payload.isObject()) {
            throw new IllegalArgumentException("the subscription payload is not a JSON object");
        }
        return payload;
    }

    private record Parsed(String buildId, LiveMessage.Line line) {
    }

    /** One event as an agent line, or null when it is not one. */
    private static Parsed parse(JsonNode event) {
        JsonNode message = event.get("message");
        if (message == null || !message.isTextual()) {
            return null;
        }
        AgentLine line = AgentLine.parse(message.asText()).orElse(null);
        if (line == null || line.buildId() == null || line.buildId().isBlank()) {
            return null;
        }
        JsonNode id = event.get("id");
        return new Parsed(line.buildId(), line.live(id != null && !id.isNull() ? id.asText() : null));
    }

    // ---- framing ----

    /** The build's lines as message texts, each at most {@link #maxFrameBytes} UTF-8 bytes, in order. */
    List<String> frames(String buildId, List<LiveMessage.Line> lines) {
        // Each line is serialized once; a frame is the empty message's text with the lines put between
        // its brackets, which is what LiveMessages.write makes of the whole message (the tests compare).
        String empty = LiveMessages.write(new LiveMessage.Log(buildId, List.of()));
        if (!empty.endsWith("[]}")) {
            throw new IllegalStateException("unexpected shape of a log message: " + empty);
        }
        String head = empty.substring(0, empty.length() - 2);
        String tail = "]}";
        int envelope = utf8Length(empty);
        List<String> frames = new ArrayList<>();
        StringBuilder frame = new StringBuilder(head);
        int frameLines = 0;
        long frameBytes = envelope;
        for (LiveMessage.Line line : lines) {
            String text = write(line);
            int size = utf8Length(text);
            if (envelope + size > maxFrameBytes) {
                text = write(cut(line, maxFrameBytes - envelope));
                size = utf8Length(text);
            }
            if (frameLines > 0 && frameBytes + 1 + size > maxFrameBytes) {
                frames.add(frame.append(tail).toString());
                frame = new StringBuilder(head);
                frameLines = 0;
                frameBytes = envelope;
            }
            if (frameLines > 0) {
                frame.append(',');
                frameBytes++;
            }
            frame.append(text);
            frameBytes += size;
            frameLines++;
        }
        if (frameLines > 0) {
            frames.add(frame.append(tail).toString());
        }
        return frames;
    }

    /** The line with its msg (and, if need be, its other fields) cut so that it serializes into {@code budget} bytes. */
    private static LiveMessage.Line cut(LiveMessage.Line line, int budget) {
        String msg = line.msg() == null ? "" : line.msg();
        LiveMessage.Line shell = new LiveMessage.Line(line.id(), shorten(line.ts()), shorten(line.taskId()),
                shorten(line.arch()), shorten(line.step()), shorten(line.level()), "");
        String marker = " [truncated by bakery: the line had " + msg.length() + " characters]";
        // Binary search on the longest prefix of msg that fits; serializing is the only exact measure
        // (JSON escapes control characters, quotes and backslashes).
        int low = 0;
        int high = msg.length();
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (utf8Length(write(withMsg(shell, prefix(msg, mid) + marker))) <= budget) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return withMsg(shell, prefix(msg, low) + marker);
    }

    private static String prefix(String s, int length) {
        if (length > 0 && length < s.length() && Character.isHighSurrogate(s.charAt(length - 1))) {
            length--; // never split a surrogate pair
        }
        return s.substring(0, length);
    }

    private static String shorten(String s) {
        return s == null || s.length() <= MAX_FIELD_CHARS_WHEN_CUT ? s : s.substring(0, MAX_FIELD_CHARS_WHEN_CUT);
    }

    private static LiveMessage.Line withMsg(LiveMessage.Line l, String msg) {
        return new LiveMessage.Line(l.id(), l.ts(), l.taskId(), l.arch(), l.step(), l.level(), msg);
    }

    private static String write(LiveMessage.Line line) {
        try {
            return WRITER.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a log line always serializes", e);
        }
    }

    static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
