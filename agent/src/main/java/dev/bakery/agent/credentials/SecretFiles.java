package dev.bakery.agent.credentials;

import dev.bakery.core.SecretMount;
import dev.bakery.registry.SecretReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sources of a task's {@code RUN --mount=type=secret} mounts: each value read (from Secrets
 * Manager, through the same {@link SecretReader} as the registry logins) at this moment, then
 * written to a file only its owner, root, may read, in a directory of its own that the caller keeps
 * outside the build context and outside anything the builder snapshots. {@link #close()} deletes
 * them: the builder has read them by then.
 */
public final class SecretFiles implements AutoCloseable {

    private final Path directory;
    private final Map<String, Path> files;
    private final List<String> values;

    private SecretFiles(Path directory, Map<String, Path> files, List<String> values) {
        this.directory = directory;
        this.files = Collections.unmodifiableMap(files);
        this.values = List.copyOf(values);
    }

    /**
     * Reads every value first, so a secret that cannot be read fails the task before any file
     * exists; with no mounts, nothing is read or created.
     *
     * @throws IOException naming the mount's id and its secret (never the value) when a value
     *                     cannot be read, or when a file cannot be written
     */
    public static SecretFiles write(Path directory, List<SecretMount> mounts, SecretReader secrets) throws IOException {
        if (mounts.isEmpty()) {
            return new SecretFiles(directory, Map.of(), List.of());
        }
        Map<String, String> byId = new LinkedHashMap<>();
        for (SecretMount mount : mounts) {
            try {
                byId.put(mount.id(), secrets.secretString(mount.secret()));
            } catch (RuntimeException e) {
                throw new IOException("cannot read build secret \"" + mount.id() + "\": " + e.getMessage(), null);
            }
        }
        Files.createDirectories(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        Map<String, Path> files = new LinkedHashMap<>();
        SecretFiles written = new SecretFiles(directory, files, List.copyOf(byId.values()));
        try {
            for (Map.Entry<String, String> secret : byId.entrySet()) {
                // A suffix, since an id may be "." or "..".
                Path file = directory.resolve(secret.getKey() + ".secret");
                Files.deleteIfExists(file);
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                files.put(secret.getKey(), file);
                Files.writeString(file, secret.getValue(), StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            }
        } catch (IOException e) {
            written.close();
            throw e;
        }
        return written;
    }

    /** Each mount's file by its id, in the plan's order. */
    public Map<String, Path> files() {
        return files;
    }

    /** The values, to be masked in every later log line. */
    public List<String> values() {
        return values;
    }

    /** Deletes the files, and the directory once empty. */
    @Override
    public void close() throws IOException {
        List<Path> left = new ArrayList<>(files.values());
        for (Path file : left) {
            Files.deleteIfExists(file);
        }
        if (!left.isEmpty()) {
            try {
                Files.deleteIfExists(directory);
            } catch (java.nio.file.DirectoryNotEmptyException notOurs) {
                // something else lives there too; our files are gone
            }
        }
    }
}
