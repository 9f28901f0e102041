package dev.bakery.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * {@code <data-dir>/endpoint.json}: how the CLI finds a running bakery-local (contracts, section 3):
 * {@code {"rest": ..., "websocket": ..., "pid": N, "registry": "127.0.0.1:PORT"}}. Written when the
 * server is ready, deleted when it stops; one that names a live process means the data dir is in use.
 */
public final class EndpointFile {

    public static final String NAME = "endpoint.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private EndpointFile() {
    }

    public static Path write(Path dataDir, URI rest, URI webSocket, long pid, String registry) {
        ObjectNode json = JSON.createObjectNode().put("rest", rest.toString()).put("websocket", webSocket.toString())
                .put("pid", pid).put("registry", registry);
        Path file = dataDir.resolve(NAME);
        try {
            // Readers never see half a file.
            Path temp = Files.writeString(dataDir.resolve(NAME + ".tmp"), json.toPrettyString());
            return Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The pid of a live bakery-local already serving this data dir. */
    public static Optional<Long> livePid(Path dataDir) {
        try {
            JsonNode json = JSON.readTree(dataDir.resolve(NAME).toFile());
            long pid = json.path("pid").asLong(-1);
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(p -> pid);
        } catch (IOException missingOrBroken) {
            return Optional.empty();
        }
    }

    public static void delete(Path dataDir) {
        try {
            Files.deleteIfExists(dataDir.resolve(NAME));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dataDir.resolve(NAME), e);
        }
    }
}
