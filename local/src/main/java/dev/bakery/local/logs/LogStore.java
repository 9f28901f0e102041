package dev.bakery.local.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.functions.errors.Refusal;
import dev.bakery.core.BuildId;
import dev.bakery.functions.builds.LogSource;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The local stand-in for the build log group: one file per build under a directory, one JSON
 * object per line ({@code id}, {@code timestamp}, {@code message}). A line's id is its position in
 * its build's file, zero-padded, so it stays the same across replays and restarts and sorts like
 * the lines do. Pages are read from a position ({@code next}) and filtered by time ({@code since}).
 */
public final class LogStore implements LogSource {

    /** A line to store: when it was printed and the agent's text. */
    public record Entry(long timestamp, String message) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ID_DIGITS = 20;

    private final Path directory;
    /** Lines per build, once a build's file has been counted. */
    private final Map<String, Long> counts = new ConcurrentHashMap<>();

    public LogStore(Path directory) {
        this.directory = directory;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the log directory " + directory, e);
        }
    }

    /** Appends a build's lines in order; returns them with their ids. */
    public List<Line> append(String buildId, List<Entry> entries) {
        Path file = file(buildId);
        synchronized (this) {
            long next = counts.computeIfAbsent(buildId, b -> countLines(file));
            List<Line> lines = new ArrayList<>(entries.size());
            try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                for (Entry entry : entries) {
                    Line line = new Line(id(next++), entry.timestamp(), entry.message());
                    ObjectNode json = JSON.createObjectNode().put("id", line.id()).put("timestamp", line.timestamp())
                            .put("message", line.message());
                    out.write(json.toString());
                    out.newLine();
                    lines.add(line);
                }
            } catch (IOException e) {
                counts.remove(buildId); // recount: part of the batch may be on disk
                throw new UncheckedIOException("cannot write the log of " + buildId, e);
            }
            counts.put(buildId, next);
            return lines;
        }
    }

    @Override
    public Page read(String buildId, long sinceEpochMillis, String next, int limit) {
        long start = position(next);
        List<Line> lines = new ArrayList<>();
        long index = 0;
        boolean more = false;
        try (BufferedReader in = Files.newBufferedReader(file(buildId), StandardCharsets.UTF_8)) {
            for (String text = in.readLine(); text != null; text = in.readLine(), index++) {
                if (index < start) {
                    continue;
                }
                if (lines.size() == limit) {
                    more = true;
                    break;
                }
                JsonNode json = JSON.readTree(text);
                if (json.path("timestamp").asLong() >= sinceEpochMillis) {
                    lines.add(new Line(json.path("id").asText(), json.path("timestamp").asLong(),
                            json.path("message").asText()));
                }
            }
        } catch (NoSuchFileException none) {
            return new Page(List.of(), null); // no agent has printed anything yet
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the log of " + buildId, e);
        }
        return new Page(lines, more ? Long.toString(index) : null);
    }

    private static long position(String next) {
        if (next == null || next.isEmpty()) {
            return 0;
        }
        if (!next.matches("\\d{1,18}")) {
            throw new Refusal(Refusal.Kind.INVALID, "invalid_next", "next must be a token from an earlier page", "next");
        }
        return Long.parseLong(next);
    }

    private Path file(String buildId) {
        if (!BuildId.isValid(buildId)) {
            throw new IllegalArgumentException("not a build id: " + buildId);
        }
        return directory.resolve(buildId + ".jsonl");
    }

    private static long countLines(Path file) {
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.count();
        } catch (NoSuchFileException none) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String id(long position) {
        String digits = Long.toString(position);
        return "0".repeat(ID_DIGITS - digits.length()) + digits;
    }
}
