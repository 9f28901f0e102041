package dev.bakery.agent.context;

import dev.bakery.agent.builder.BuildRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The last check before the builder runs: the build context directory and the Dockerfile it will be
 * given, resolved on disk with every symbolic link followed, must lie inside the workspace. The
 * plan's paths are checked already (core {@code WorkspacePaths}) and {@link SafeExtractor} creates
 * no link that leads out; this catches a link made after extraction (a pre-script that the agent
 * runs itself) and anything those checks might miss, so no host file ever reaches the builder.
 * A path that does not exist yet passes (Kaniko's pre-script runs in the build container after this
 * check and may write the Dockerfile): its existing part is resolved, and must lie inside.
 */
public final class ResolvedPaths {

    private ResolvedPaths() {
    }

    /** @throws IOException saying which path leads where, meant for the user as is */
    public static void requireInsideWorkspace(BuildRequest request) throws IOException {
        Path workspace = request.workspace().toRealPath();
        String context = "the build context \"" + request.task().kaniko().contextPath() + "\"";
        if (Files.isRegularFile(inside(workspace, request.contextDirectory(), context))) {
            throw new IOException(context + " is not a directory");
        }
        String dockerfile = "the Dockerfile \"" + request.task().kaniko().dockerfile() + "\"";
        if (Files.isDirectory(inside(workspace, request.dockerfile(), dockerfile))) {
            throw new IOException(dockerfile + " is a directory");
        }
    }

    private static Path inside(Path workspace, Path path, String what) throws IOException {
        Path real = resolve(path, what);
        if (!real.startsWith(workspace)) {
            throw new IOException(what + " resolves to " + real + ", outside the workspace (a symbolic link leads out):"
                    + " refusing to build");
        }
        return real;
    }

    /** The real path of what exists of {@code path}, followed by the rest (not there yet) as written. */
    private static Path resolve(Path path, String what) throws IOException {
        Path existing = path;
        while (existing.getParent() != null && Files.notExists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(path));
        } catch (NoSuchFileException e) {
            throw new IOException(what + " does not resolve: " + existing + " is a symbolic link to nothing", e);
        }
    }
}
