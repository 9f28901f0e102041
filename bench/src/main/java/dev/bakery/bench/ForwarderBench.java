package dev.bakery.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.core.log.AgentLine;
import dev.bakery.functions.live.ConnectionPoster;
import dev.bakery.functions.live.InMemorySubscriptions;
import dev.bakery.functions.live.LogForwarder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Log forwarder throughput: 10 builds x 10 subscribers x 10,000 agent lines, fed as CloudWatch Logs
 * subscription payloads (base64 of gzip, one log stream per payload, builds interleaved), through
 * {@link LogForwarder} with in-memory subscriptions and an in-process counting poster, so the
 * forwarder itself is measured (decode, parse, group, frame, serialize), not the network.
 * Prints lines/s and messages posted per line for two payload sizes: bulk (1,000 lines, a busy
 * build's backlog) and trickle (10 lines, what a live build sends about every second).
 */
public final class ForwarderBench {

    private static final int BUILDS = 10;
    private static final int SUBSCRIBERS = 10;
    private static final int LINES = 10_000;
    private static final int WARMUPS = 3;
    private static final int RUNS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ForwarderBench() {
    }

    /** Counts what would go to API Gateway. */
    private static final class CountingPoster implements ConnectionPoster {
        long posts;
        long bytes;
        int maxFrame;

        @Override
        public void post(String connectionId, String text) {
            posts++;
            bytes += text.length(); // the bench's lines are ASCII: chars are bytes
            if (text.length() > maxFrame / 3) { // encode only the frames that could be the largest
                maxFrame = Math.max(maxFrame, text.getBytes(StandardCharsets.UTF_8).length);
            }
        }
    }

    public static void main(String[] args) {
        System.out.printf(Locale.ROOT, "Log forwarder: %d builds x %d subscribers x %,d lines (%,d lines), %d warm-up + %d measured runs%n",
                BUILDS, SUBSCRIBERS, LINES, BUILDS * LINES, WARMUPS, RUNS);
        for (int perPayload : new int[] {1_000, 10}) {
            scenario(perPayload);
        }
    }

    private static void scenario(int perPayload) {
        List<String> payloads = payloads(perPayload);
        InMemorySubscriptions subscriptions = new InMemorySubscriptions();
        for (int b = 0; b < BUILDS; b++) {
            for (int s = 0; s < SUBSCRIBERS; s++) {
                subscriptions.subscribe(buildId(b), "conn-" + b + "-" + s + "=", Instant.EPOCH);
            }
        }
        double[] linesPerSecond = new double[RUNS];
        CountingPoster last = null;
        long lines = 0;
        for (int run = 0; run < WARMUPS + RUNS; run++) {
            CountingPoster poster = new CountingPoster();
            LogForwarder forwarder = new LogForwarder(subscriptions, poster);
            lines = 0;
            long start = System.nanoTime();
            for (String payload : payloads) {
                lines += forwarder.forward(payload).lines();
            }
            long nanos = System.nanoTime() - start;
            if (run >= WARMUPS) {
                linesPerSecond[run - WARMUPS] = lines / (nanos / 1e9);
            }
            last = poster;
        }
        if (lines != (long) BUILDS * LINES) {
            throw new IllegalStateException("forwarded " + lines + " lines, expected " + BUILDS * LINES);
        }
        Arrays.sort(linesPerSecond);
        long frames = last.posts / SUBSCRIBERS;
        System.out.printf(Locale.ROOT, "  %,5d lines per payload (%,d payloads): %,.0f lines/s median (best %,.0f),"
                        + " %.3f messages posted per line (%,d posts = %,d frames x %d subscribers),"
                        + " largest frame %,d bytes (limit %,d), %.1f MiB posted%n",
                perPayload, payloads.size(), linesPerSecond[RUNS / 2], linesPerSecond[RUNS - 1],
                (double) last.posts / lines, last.posts, frames, SUBSCRIBERS, last.maxFrame, ConnectionPoster.MAX_FRAME_BYTES,
                last.bytes / 1048576.0);
    }

    private static String buildId(int b) {
        return "01JXBENCH" + String.format("%017d", b);
    }

    /** Payloads as CloudWatch sends them: each from one log stream (one build's agent), builds taking turns. */
    private static List<String> payloads(int perPayload) {
        List<String> payloads = new ArrayList<>();
        long id = 0;
        for (int offset = 0; offset < LINES; offset += perPayload) {
            for (int b = 0; b < BUILDS; b++) {
                ObjectNode payload = JSON.createObjectNode();
                payload.put("messageType", "DATA_MESSAGE");
                payload.put("owner", "111122223333");
                payload.put("logGroup", "/bakery/agents");
                payload.put("logStream", "agent/bakery-agent/" + buildId(b));
                payload.putArray("subscriptionFilters").add("bakery-live-logs");
                ArrayNode events = payload.putArray("logEvents");
                for (int i = offset; i < Math.min(LINES, offset + perPayload); i++) {
                    AgentLine line = new AgentLine(Instant.ofEpochMilli(1_748_772_000_000L + i).toString(), buildId(b),
                            "task-amd64", "amd64", "build", "info", message(i));
                    events.addObject()
                            .put("id", String.format("%056d", ++id))
                            .put("timestamp", 1_748_772_000_000L + i)
                            .put("message", line.toJson());
                }
                payloads.add(gzipBase64(payload.toString()));
            }
        }
        return payloads;
    }

    /** Kaniko-like output, 40 to 200 characters. */
    private static String message(int i) {
        return switch (i % 4) {
            case 0 -> "INFO[" + String.format("%04d", i / 10) + "] RUN apt-get install -y --no-install-recommends ca-certificates curl";
            case 1 -> "Get:" + i + " http://deb.debian.org/debian bookworm/main amd64 libssl3 amd64 3.0.15-1~deb12u1 [2025 kB]";
            case 2 -> "INFO[" + String.format("%04d", i / 10) + "] Taking snapshot of full filesystem...";
            default -> "Setting up curl (7.88.1-10+deb12u8) ... " + "#".repeat(i % 120);
        };
    }

    private static String gzipBase64(String json) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }
}
