package dev.bakery.core;

import java.util.Optional;

/**
 * Reads the files a compose file refers to ({@code include:}, {@code .env}) for core, which does no
 * I/O itself. Paths are relative to the repository root, {@code /}-separated and already checked by
 * core to stay inside it.
 */
@FunctionalInterface
public interface ProjectFiles {

    /** Reads nothing: every referenced file is absent. */
    ProjectFiles NONE = path -> Optional.empty();

    /**
     * @return the file's text, or empty when there is no such regular file
     * @throws BakeryConfigException when the file exists but cannot be read
     */
    Optional<String> read(String path);
}
