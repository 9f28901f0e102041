package dev.bakery.cli.context;

import java.nio.file.Path;
import java.util.List;

/**
 * STAND-IN for the context helper's class of the same name (issue 8, context packing): only what
 * the commands use. The archive, its SHA-256 (of the compressed bytes), its size, and every path it
 * holds, sorted.
 */
public record PackedContext(Path archive, String sha256, long bytes, List<String> files) {
}
