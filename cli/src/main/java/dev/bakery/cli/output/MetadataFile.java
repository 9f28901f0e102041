package dev.bakery.cli.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.core.BuildTask;
import dev.bakery.core.ImageReference;
import dev.bakery.core.live.LiveMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code --metadata-file}, shaped like {@code docker buildx bake --metadata-file}: one object per
 * service with {@code containerimage.digest} and {@code image.name} (comma-separated), plus
 * Bakery's own keys: the build id, status and console URL, and per task its arch, platform, digest
 * and pushed reference. Written whole, through a temporary file, so a reader never sees half of it.
 */
public final class MetadataFile {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MetadataFile() {
    }

    public static void write(Path file, List<BuildResult> results) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        for (BuildResult result : results) {
            ObjectNode service = root.putObject(result.service());
            result.digest().ifPresent(d -> service.put("containerimage.digest", d));
            service.put("image.name", imageNames(result));
            service.put("bakery.build.id", result.buildId());
            service.put("bakery.build.status", result.status());
            if (result.consoleUrl() != null) {
                service.put("bakery.build.console-url", result.consoleUrl());
            }
            ObjectNode tasks = service.putObject("bakery.tasks");
            for (BuildTask task : result.plan().tasks()) {
                ObjectNode t = tasks.putObject(task.id());
                t.put("arch", task.arch().key());
                t.put("platform", task.ociPlatform());
                t.put("runs-on", task.platform().key());
                LiveMessage.DoneTask done = result.done() == null ? null : result.done().tasks().stream()
                        .filter(d -> d.taskId().equals(task.id())).findFirst().orElse(null);
                if (done != null) {
                    t.put("status", done.status());
                    if (done.digest() != null) {
                        t.put("digest", done.digest());
                        if (!task.destinations().isEmpty()) {
                            t.put("ref", task.destinations().getFirst().withoutTagOrDigest() + "@" + done.digest());
                        }
                    }
                }
                t.put("image.name", task.destinations().stream().map(ImageReference::toString).collect(Collectors.joining(",")));
            }
        }
        Path absolute = file.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path temporary = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".tmp");
        try {
            Files.writeString(temporary, JSON.writeValueAsString(root) + "\n");
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** What the user pulls: the index's tags for a multi-arch build, else the single image's. */
    static String imageNames(BuildResult result) {
        List<ImageReference> names = result.plan().index() != null ? result.plan().index().destinations()
                : result.plan().tasks().getFirst().destinations();
        return names.stream().map(ImageReference::toString).collect(Collectors.joining(","));
    }
}
