package dev.bakery.agent.builder;

import dev.bakery.core.BuildTask;
import dev.bakery.core.SecretMount;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a builder is asked to do: the task and where things are.
 *
 * @param task       the resolved task (builder options, destinations, platform)
 * @param workspace  the directory the build context was extracted into; the task's
 *                   {@code contextPath} is relative to it. Made absolute (against the working
 *                   directory) and normalized, since builders are given absolute paths.
 * @param digestFile the file the builder writes the pushed image's digest to; made absolute too
 * @param secrets    the file holding each of the task's {@code RUN --mount=type=secret} values, by
 *                   id: exactly the task's secret ids, so no builder can leave one out unnoticed.
 *                   Made absolute; never inside the workspace (it would become build context).
 */
public record BuildRequest(BuildTask task, Path workspace, Path digestFile, Map<String, Path> secrets) {

    public BuildRequest {
        if (task == null) {
            throw new IllegalArgumentException("a build request needs a task");
        }
        workspace = absolute("workspace", workspace);
        digestFile = absolute("digest file", digestFile);
        secrets = secretFiles(task, workspace, secrets == null ? Map.of() : secrets);
    }

    /** A task without build secrets. */
    public BuildRequest(BuildTask task, Path workspace, Path digestFile) {
        this(task, workspace, digestFile, Map.of());
    }

    /** The build context directory: the workspace, or the context path inside it. */
    public Path contextDirectory() {
        String contextPath = task.kaniko().contextPath();
        return contextPath.equals(".") ? workspace : workspace.resolve(contextPath).normalize();
    }

    /** The Dockerfile as an absolute path (a plan's is relative to the context, inside the workspace: core WorkspacePaths). */
    public Path dockerfile() {
        return contextDirectory().resolve(task.kaniko().dockerfile()).normalize();
    }

    private static Map<String, Path> secretFiles(BuildTask task, Path workspace, Map<String, Path> given) {
        Map<String, Path> files = new LinkedHashMap<>();
        for (SecretMount mount : task.secrets()) {
            Path file = given.get(mount.id());
            if (file == null) {
                throw new IllegalArgumentException("build secret \"" + mount.id() + "\" of task " + task.id() + " has no file");
            }
            file = absolute("secret file", file);
            if (file.startsWith(workspace)) {
                throw new IllegalArgumentException("the file of build secret \"" + mount.id()
                        + "\" must not be inside the workspace " + workspace);
            }
            // Both builders read "id=...,src=..." split at commas.
            if (file.toString().contains(",")) {
                throw new IllegalArgumentException("the file of build secret \"" + mount.id() + "\" has a comma in its path: " + file);
            }
            files.put(mount.id(), file);
        }
        if (!files.keySet().equals(given.keySet())) {
            throw new IllegalArgumentException("build secrets " + given.keySet() + " given, but task " + task.id() + " mounts "
                    + files.keySet());
        }
        return Collections.unmodifiableMap(files);
    }

    private static Path absolute(String what, Path path) {
        if (path == null) {
            throw new IllegalArgumentException("a build request needs a " + what);
        }
        return path.toAbsolutePath().normalize();
    }
}
