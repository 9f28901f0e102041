package dev.bakery.agent.builder;

import dev.bakery.agent.process.ProcessRunner;
import dev.bakery.core.BuildTask;
import dev.bakery.core.ImageReference;
import dev.bakery.core.KanikoOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The local mode's builder: buildah as root with the vfs driver and chroot isolation (the only
 * combination that works without a daemon, overlay or user namespaces on our machines), building
 * for the task's platform, then pushing to every destination with {@code --digestfile}.
 * A foreign-arch build works for COPY-only Dockerfiles (there is no emulation). Build secrets are
 * {@code --secret id=ID,src=FILE}; buildah mounts them at {@code /run/secrets/ID} for the RUN
 * steps that ask, and never into a layer.
 */
public final class BuildahBuilder implements Builder {

    private final String buildah;
    private final Path root;
    private final Path runRoot;
    private final Path authFile;

    /**
     * @param buildah  the executable
     * @param root     image storage of this agent ({@code --root})
     * @param runRoot  its state ({@code --runroot})
     * @param authFile registry logins (a docker config.json), or null
     */
    public BuildahBuilder(String buildah, Path root, Path runRoot, Path authFile) {
        this.buildah = buildah;
        this.root = root;
        this.runRoot = runRoot;
        this.authFile = authFile;
    }

    /** The build command, then one push command per destination. */
    public List<List<String>> commands(BuildRequest request) {
        BuildTask task = request.task();
        KanikoOptions k = task.kaniko();
        List<String> build = new ArrayList<>(base());
        build.addAll(List.of("build", "--isolation", "chroot", "--platform", task.ociPlatform(),
                "-f", request.dockerfile().toString(), "-t", localTag(task)));
        for (Map.Entry<String, String> arg : PlatformArgs.merged(task).entrySet()) {
            build.addAll(List.of("--build-arg", arg.getKey() + "=" + arg.getValue()));
        }
        if (k.target() != null) {
            build.addAll(List.of("--target", k.target()));
        }
        k.labels().forEach((name, value) -> build.addAll(List.of("--label", name + "=" + value)));
        request.secrets().forEach((id, file) -> build.addAll(List.of("--secret", "id=" + id + ",src=" + file)));
        // Base images pull with the same logins: buildah's environment names no DOCKER_CONFIG (ProcessRunner).
        if (authFile != null) {
            build.addAll(List.of("--authfile", authFile.toString()));
        }
        build.add(request.contextDirectory().toString());
        List<List<String>> commands = new ArrayList<>();
        commands.add(build);
        if (!k.noPush()) {
            for (ImageReference destination : task.destinations()) {
                List<String> push = new ArrayList<>(base());
                push.add("push");
                if (isLoopback(destination)) {
                    push.add("--tls-verify=false");
                }
                if (authFile != null) {
                    push.addAll(List.of("--authfile", authFile.toString()));
                }
                push.addAll(List.of("--digestfile", request.digestFile().toString(), localTag(task),
                        "docker://" + destination));
                commands.add(push);
            }
        }
        return commands;
    }

    @Override
    public BuildOutcome build(BuildRequest request, ProcessRunner runner) throws IOException, InterruptedException {
        List<ImageReference> pushed = new ArrayList<>();
        List<List<String>> commands = commands(request);
        for (int i = 0; i < commands.size(); i++) {
            ProcessRunner.Outcome outcome = runner.run(commands.get(i), request.workspace(), Map.of(), "build");
            if (!outcome.succeeded()) {
                return new BuildOutcome(outcome.exitCode() == 0 ? 143 : outcome.exitCode(), null, pushed,
                        outcome.lastLine(), outcome.interrupted());
            }
            if (i > 0) {
                pushed.add(request.task().destinations().get(i - 1));
            }
        }
        String digest = pushed.isEmpty() ? null : DigestFile.read(request.digestFile());
        return new BuildOutcome(0, digest, pushed, null, false);
    }

    private List<String> base() {
        return List.of(buildah, "--root", root.toString(), "--runroot", runRoot.toString(), "--storage-driver", "vfs");
    }

    private static String localTag(BuildTask task) {
        return "localhost/bakery-build:" + task.id();
    }

    private static boolean isLoopback(ImageReference image) {
        String host = image.registry().split(":")[0];
        return host.equals("localhost") || host.startsWith("127.") || image.registry().startsWith("[::1]");
    }
}
