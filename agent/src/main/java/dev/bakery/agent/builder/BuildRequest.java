package dev.bakery.agent.builder;

import dev.bakery.core.BuildTask;
import java.nio.file.Path;

/**
 * What a builder is asked to do: the task and where things are.
 *
 * @param task       the resolved task (builder options, destinations, platform)
 * @param workspace  the directory the build context was extracted into; the task's
 *                   {@code contextPath} is relative to it. Made absolute (against the working
 *                   directory) and normalized, since builders are given absolute paths.
 * @param digestFile the file the builder writes the pushed image's digest to; made absolute too
 */
public record BuildRequest(BuildTask task, Path workspace, Path digestFile) {

    public BuildRequest {
        if (task == null) {
            throw new IllegalArgumentException("a build request needs a task");
        }
        workspace = absolute("workspace", workspace);
        digestFile = absolute("digest file", digestFile);
    }

    /** The build context directory: the workspace, or the context path inside it. */
    public Path contextDirectory() {
        String contextPath = task.kaniko().contextPath();
        return contextPath.equals(".") ? workspace : workspace.resolve(contextPath).normalize();
    }

    /**
     * The Dockerfile as an absolute path: as written when absolute, else inside the build context.
     */
    public Path dockerfile() {
        Path dockerfile = Path.of(task.kaniko().dockerfile());
        return dockerfile.isAbsolute() ? dockerfile.normalize() : contextDirectory().resolve(dockerfile).normalize();
    }

    private static Path absolute(String what, Path path) {
        if (path == null) {
            throw new IllegalArgumentException("a build request needs a " + what);
        }
        return path.toAbsolutePath().normalize();
    }
}
