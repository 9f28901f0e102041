package dev.bakery.agent.builder;

import dev.bakery.agent.process.ProcessRunner;
import dev.bakery.core.BuildTask;
import dev.bakery.core.CacheOptions;
import dev.bakery.core.ImageReference;
import dev.bakery.core.KanikoOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the same spec into Kaniko's flags (the executor is {@value #EXECUTOR}).
 *
 * <p>The arguments always come in this order. A flag and its value are one argv element
 * ({@code --name=value}), so no value is ever split, and no shell ever reads them:
 *
 * <ol>
 *   <li>{@code --context=dir://<workspace>[/<context-path>]}</li>
 *   <li>{@code --dockerfile=<absolute path>}: the context joined with {@code dockerfile}, unless that
 *       is already absolute</li>
 *   <li>{@code --destination=<ref>} for each destination of the task, the main one first then the
 *       extra tags; none when the task has none ({@code no-push})</li>
 *   <li>{@code --digest-file=<file>}</li>
 *   <li>{@code --build-arg=NAME=VALUE} for each build arg, the {@linkplain PlatformArgs automatic
 *       platform args} merged under the user's, sorted by name. Each arg is one element, so commas,
 *       {@code =}, spaces and newlines in a value reach the Dockerfile exactly as written (the
 *       original Bakery joined and re-split them on commas)</li>
 *   <li>{@code --target=<stage>} when set</li>
 *   <li>{@code --label=KEY=VALUE} for each label, sorted by key</li>
 *   <li>{@code --secret=id=ID,src=FILE} for each build secret of the task, in the plan's order: the
 *       fork's buildx-compatible flag for {@code RUN --mount=type=secret} (osscontainertools/kaniko
 *       pull requests 391 and 409). The files are under {@code /kaniko}, which Kaniko never
 *       snapshots or wipes, so they exist for every stage and never reach a layer</li>
 *   <li>only when the cache is enabled: {@code --cache=true}, then {@code --cache-repo=},
 *       {@code --cache-ttl=}, {@code --cache-copy-layers=true}, {@code --cache-run-layers=<bool>},
 *       {@code --compressed-caching=<bool>}, each only when set</li>
 *   <li>{@code --snapshot-mode=} when set</li>
 *   <li>{@code --use-new-run} when true</li>
 *   <li>{@code --cleanup} when true</li>
 *   <li>{@code --custom-platform=} when set, in full {@code linux/<arch>[/<variant>]} form</li>
 *   <li>{@code --no-push} when set</li>
 *   <li>{@code --ignore-path=<workspace>} (the extracted repository is never part of the image; so
 *       neither is anything a Dockerfile writes under that path, e.g. with {@code WORKDIR /workspace}),
 *       then each of the user's {@code ignore-path}s</li>
 *   <li>{@code --push-retry=3}</li>
 *   <li>the user's {@code extra-flags}, verbatim and last, so that for a single-valued flag the user's
 *       value is the one Kaniko keeps (repeatable flags such as {@code --build-arg} add to ours)</li>
 * </ol>
 *
 * <p>Spellings are those of the Kaniko executor's README ("Additional Flags") and its flag
 * definitions in {@code cmd/executor/cmd/root.go}, in the maintained fork we build on.
 */
public final class KanikoBuilder implements Builder {

    public static final String EXECUTOR = "/kaniko/executor";

    /** Pushes to a registry are retried this many times before the build fails. */
    static final int PUSH_RETRIES = 3;

    private final String executor;

    /** Runs {@value #EXECUTOR}. */
    public KanikoBuilder() {
        this(EXECUTOR);
    }

    /** Runs another executable with the same arguments (tests). */
    KanikoBuilder(String executor) {
        this.executor = executor;
    }

    /**
     * Runs the executor once: it builds, pushes to every destination and writes the digest. A digest
     * file left from an earlier run is removed first, so a digest read afterwards is this build's.
     */
    @Override
    public BuildOutcome build(BuildRequest request, ProcessRunner runner) throws IOException, InterruptedException {
        Files.deleteIfExists(request.digestFile());
        List<String> command = new ArrayList<>();
        command.add(executor);
        command.addAll(arguments(request));
        ProcessRunner.Outcome outcome = runner.run(command, request.workspace(), Map.of(), "build");
        if (!outcome.succeeded()) {
            return new BuildOutcome(outcome.exitCode() == 0 ? 143 : outcome.exitCode(), null, List.of(),
                    outcome.lastLine(), outcome.interrupted());
        }
        List<ImageReference> pushed = request.task().kaniko().noPush() ? List.of() : request.task().destinations();
        String digest = pushed.isEmpty() ? null : DigestFile.read(request.digestFile());
        return new BuildOutcome(0, digest, pushed, null, false);
    }

    /** The executor's argv after the executable, in the order documented on the class. */
    public static List<String> arguments(BuildRequest request) {
        BuildTask task = request.task();
        KanikoOptions kaniko = task.kaniko();
        List<String> args = new ArrayList<>();

        args.add("--context=dir://" + request.contextDirectory());
        args.add("--dockerfile=" + request.dockerfile());
        for (ImageReference destination : task.destinations()) {
            args.add("--destination=" + destination);
        }
        args.add("--digest-file=" + request.digestFile());
        PlatformArgs.merged(task).forEach((name, value) -> args.add("--build-arg=" + name + "=" + value));
        if (kaniko.target() != null) {
            args.add("--target=" + kaniko.target());
        }
        new TreeMap<>(kaniko.labels()).forEach((key, value) -> args.add("--label=" + key + "=" + value));
        request.secrets().forEach((id, file) -> args.add("--secret=id=" + id + ",src=" + file));
        cache(kaniko.cache(), args);
        if (kaniko.snapshotMode() != null) {
            args.add("--snapshot-mode=" + kaniko.snapshotMode());
        }
        if (kaniko.useNewRun()) {
            args.add("--use-new-run");
        }
        if (kaniko.cleanup()) {
            args.add("--cleanup");
        }
        PlatformArgs.customPlatform(task).ifPresent(platform -> args.add("--custom-platform=" + platform));
        if (kaniko.noPush()) {
            args.add("--no-push");
        }
        args.add("--ignore-path=" + request.workspace());
        for (String path : kaniko.ignorePaths()) {
            args.add("--ignore-path=" + path);
        }
        args.add("--push-retry=" + PUSH_RETRIES);
        args.addAll(kaniko.extraFlags());
        return List.copyOf(args);
    }

    private static void cache(CacheOptions cache, List<String> args) {
        if (!cache.enable()) {
            return;
        }
        args.add("--cache=true");
        if (cache.repo() != null) {
            args.add("--cache-repo=" + cache.repo());
        }
        if (cache.ttl() != null) {
            args.add("--cache-ttl=" + cache.ttl());
        }
        if (cache.copyLayers()) {
            args.add("--cache-copy-layers=true");
        }
        if (cache.runLayers() != null) {
            args.add("--cache-run-layers=" + cache.runLayers());
        }
        if (cache.compressed() != null) {
            args.add("--compressed-caching=" + cache.compressed());
        }
    }
}
