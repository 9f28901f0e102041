package dev.bakery.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What the builder is asked to do, independent of which builder does it (Kaniko in AWS, buildah
 * locally). Destinations are not here: they are resolved per task ({@link BuildTask#destinations()}).
 *
 * @param contextPath    build context relative to the workspace (the unpacked repository), {@code .} by default
 * @param dockerfile     Dockerfile path relative to the context, inside the workspace; {@code Dockerfile} by default
 * @param buildArgs      {@code --build-arg}s
 * @param cache          layer cache
 * @param snapshotMode   {@code full}, {@code redo} or {@code time}; null for the builder's default
 * @param useNewRun      {@code --use-new-run}
 * @param cleanup        {@code --cleanup}
 * @param customPlatform {@code --custom-platform}, e.g. {@code linux/arm64}; null means the task's own platform
 * @param target         multi-stage target; null builds the last stage
 * @param labels         {@code --label}s
 * @param noPush         build without pushing
 * @param ignorePaths    {@code --ignore-path}s
 * @param extraFlags     further builder flags, already split into words; none sets the context or the Dockerfile
 * @param containerName  Kubernetes container name (k8s platform only); null for {@code kaniko}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KanikoOptions(String contextPath, String dockerfile, Map<String, String> buildArgs, CacheOptions cache,
        String snapshotMode, boolean useNewRun, boolean cleanup, String customPlatform, String target,
        Map<String, String> labels, boolean noPush, List<String> ignorePaths, List<String> extraFlags,
        String containerName) {

    public KanikoOptions {
        WorkspacePaths.contextPath(contextPath);
        WorkspacePaths.dockerfile(contextPath, dockerfile);
        if (snapshotMode != null && !List.of("full", "redo", "time").contains(snapshotMode)) {
            throw new IllegalArgumentException("snapshot mode must be full, redo or time: " + snapshotMode);
        }
        buildArgs = Copies.map(buildArgs);
        cache = cache == null ? CacheOptions.DISABLED : cache;
        labels = Copies.map(labels);
        ignorePaths = Copies.list(ignorePaths);
        for (int i = 0; i < ignorePaths.size(); i++) {
            WorkspacePaths.ignorePath("ignorePaths[" + i + "]", ignorePaths.get(i));
        }
        extraFlags = Copies.list(extraFlags);
        for (int i = 0; i < extraFlags.size(); i++) {
            WorkspacePaths.extraFlag("extraFlags[" + i + "]", extraFlags.get(i));
        }
    }
}
