package dev.bakery.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.registry.Login;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * {@code <data-dir>/endpoint.json}: how the CLI finds a running bakery-local and signs for it (contracts, section 3):
 * {@code {"rest": ..., "websocket": ..., "pid": N, "registry": "127.0.0.1:PORT", "region": "us-east-1",
 * "credentials": {"accessKeyId": ..., "secretAccessKey": ...}, "registryLogin": {"username": ..., "password": ...}}}:
 * the run's keys, which every API request must be signed with, and the login every push to the
 * started registry needs (absent with {@code --registry}). Mode 0600 (whatever the umask), in the 0700 data
 * dir: its owner's alone. Written when the server is ready, deleted when it stops; one that names a
 * live process means the data dir is in use.
 */
public final class EndpointFile {

    public static final String NAME = "endpoint.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private EndpointFile() {
    }

    /** @param registryLogin what pushes to the started registry log in with, or null (the user brought one) */
    public static Path write(Path dataDir, URI rest, URI webSocket, long pid, String registry, LocalKeys keys,
            Login registryLogin) {
        ObjectNode json = JSON.createObjectNode().put("rest", rest.toString()).put("websocket", webSocket.toString())
                .put("pid", pid).put("registry", registry).put("region", LocalAws.REGION.id());
        json.putObject("credentials").put("accessKeyId", keys.accessKeyId()).put("secretAccessKey", keys.secretAccessKey());
        if (registryLogin != null) {
            json.putObject("registryLogin").put("username", registryLogin.username()).put("password", registryLogin.password());
        }
        Path file = dataDir.resolve(NAME);
        try {
            // Readers never see half a file; nobody else ever sees the keys, whatever the umask.
            Path temp = dataDir.resolve(NAME + ".tmp");
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, json.toPrettyString());
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
