package dev.bakery.agent.result;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.core.status.TaskResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * On Kubernetes the result is the container's termination message, which the bridge reads from
 * the pod status. Kubernetes keeps at most 4096 bytes, so the error is shortened to fit.
 */
public final class TerminationLogSink implements ResultSink {

    static final int MAX_BYTES = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public TerminationLogSink(Path file) {
        this.file = file;
    }

    @Override
    public void started(Instant at) {
        // The bridge sees the pod start; nothing to report.
    }

    @Override
    public void record(TaskResult result) throws IOException {
        String error = result.error();
        byte[] bytes = encode(result, error);
        while (bytes.length > MAX_BYTES && error != null && !error.isEmpty()) {
            error = error.substring(0, error.length() / 2) + "...";
            bytes = encode(result, error.length() <= 3 ? null : error);
        }
        Files.write(file, bytes);
    }

    private static byte[] encode(TaskResult result, String error) throws IOException {
        ObjectNode out = JSON.createObjectNode();
        out.put("status", result.status().name());
        out.put("imageDigest", result.imageDigest());
        out.putPOJO("pushed", result.pushed());
        out.put("exitCode", result.exitCode());
        out.put("startedAt", result.startedAt().toString());
        out.put("finishedAt", result.finishedAt().toString());
        out.put("error", error);
        out.put("interrupted", result.interrupted());
        return JSON.writeValueAsString(out).getBytes(StandardCharsets.UTF_8);
    }
}
