package dev.bakery.cli.context;

import java.nio.file.Path;

/**
 * One entry of the context archive.
 *
 * @param name   slash-separated path inside the context, without a trailing slash
 * @param mode   permission bits (including setuid, setgid, sticky)
 * @param size   bytes of a regular file, 0 otherwise
 * @param target a symlink's target exactly as stored on disk, null otherwise
 * @param source where a regular file's bytes are read from
 */
record ContextEntry(String name, Kind kind, int mode, long size, String target, Path source) {

    enum Kind { DIRECTORY, FILE, SYMLINK }

    /** The name as listed to users and written to the archive: directories end in {@code /}. */
    String archiveName() {
        return kind == Kind.DIRECTORY ? name + "/" : name;
    }
}
