package dev.bakery.cli.context;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A packed build context.
 *
 * @param archive   the {@code .tar.gz} written
 * @param sha256    lowercase hex SHA-256 of the archive's bytes (its key: {@code contexts/<sha256>.tar.gz})
 * @param bytes     the archive's size
 * @param files     every path in the archive, in archive order (sorted by path component, byte-wise);
 *                  directories end in {@code /}
 * @param fileCount regular files and symlinks among them (directories not counted)
 * @param hint      a one-line suggestion to print, e.g. when a large {@code .git} is being sent
 * @param withheld  files of the contexts left out because they must not leave the machine
 */
public record PackedContext(Path archive, String sha256, long bytes, List<String> files, int fileCount,
                            Optional<String> hint, List<String> withheld) {

    public PackedContext {
        files = List.copyOf(files);
        withheld = List.copyOf(withheld);
    }
}
