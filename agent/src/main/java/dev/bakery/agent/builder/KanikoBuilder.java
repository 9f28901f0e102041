package dev.bakery.agent.builder;

import dev.bakery.agent.log.AgentLog;
import dev.bakery.agent.process.ProcessRunner;
import dev.bakery.core.BuildContainer;
import dev.bakery.core.BuildTask;
import dev.bakery.core.CacheOptions;
import dev.bakery.core.ImageReference;
import dev.bakery.core.KanikoOptions;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The production builder: Kaniko in the task's second container ({@link BuildContainer}), which holds
 * no AWS credential. The agent writes the plan (the build's environment, the executor's arguments,
 * the scripts) on the shared volume, gives the go-ahead, relays the container's output as its own
 * masked lines and reads the exit code it leaves. The same spec becomes the arguments of the image's
 * {@code /kaniko/executor}.
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
 *       pull requests 391 and 409). The files are on the shared volume, a mount that Kaniko never
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

    /** Pushes to a registry are retried this many times before the build fails. */
    static final int PUSH_RETRIES = 3;

    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final long POLL_MILLIS = 100;
    /** After SIGTERM: the build container's trap stops the running step and leaves its exit code (ECS kills at 10 s). */
    private static final Duration STOP_GRACE = Duration.ofSeconds(7);
    /** Between the output's end and the exit code (both written just before the build container ends), and back. */
    private static final Duration END_GRACE = Duration.ofSeconds(5);

    private final Path shared;
    private final Path dockerConfig;
    private final Path secrets;
    private final AgentLog log;
    private final Duration startTimeout;

    /**
     * @param shared       the volume both containers mount ({@link BuildContainer#VOLUME_PATH} in each)
     * @param dockerConfig the directory of the registry logins' config.json, on that volume
     * @param secrets      the build secrets' directory, on that volume; the build container removes it
     *                     before the post-script
     * @param startTimeout how long the build container may take to pick up the go-ahead (its image pull included)
     */
    public KanikoBuilder(Path shared, Path dockerConfig, Path secrets, AgentLog log, Duration startTimeout) {
        this.shared = shared;
        this.dockerConfig = dockerConfig;
        this.secrets = secrets;
        this.log = log;
        this.startTimeout = startTimeout;
    }

    /** The build container runs the pre- and post-script, in its own environment, not the agent. */
    @Override
    public boolean runsScripts() {
        return true;
    }

    /**
     * Hands the task to the build container and relays its output until it has left its exit code.
     * A digest file left from an earlier run is removed first, so a digest read afterwards is this
     * build's. The agent never waits forever: not for a build container that does not start, nor for
     * one that ends without an exit code, nor after a termination.
     */
    @Override
    public BuildOutcome build(BuildRequest request, ProcessRunner runner) throws IOException, InterruptedException {
        Files.deleteIfExists(request.digestFile());
        Path exit = shared.resolve(BuildContainer.EXIT);
        Files.deleteIfExists(exit);
        writePlan(request);
        Path fifo = shared.resolve(BuildContainer.OUTPUT);
        Files.deleteIfExists(fifo);
        mkfifo(fifo);
        Relay relay = new Relay(fifo);
        Path go = shared.resolve(BuildContainer.GO);
        Files.writeString(shared.resolve(BuildContainer.GO + ".new"), "");
        Files.move(shared.resolve(BuildContainer.GO + ".new"), go, StandardCopyOption.ATOMIC_MOVE);
        relay.start();

        long startBy = System.nanoTime() + startTimeout.toNanos();
        long stopBy = Long.MAX_VALUE;
        while (!Files.exists(exit) && !relay.ended()) {
            if (runner.terminated() && stopBy == Long.MAX_VALUE) {
                Files.writeString(shared.resolve(BuildContainer.STOP), "");
                stopBy = System.nanoTime() + STOP_GRACE.toNanos();
            }
            if (!relay.connected() && System.nanoTime() > Math.min(startBy, stopBy)) {
                relay.abandon();
                return runner.terminated()
                        ? new BuildOutcome(143, null, List.of(), "terminated before the build container started", true)
                        : new BuildOutcome(1, null, List.of(), "the build container did not start within "
                                + startTimeout.toSeconds() + " s of the go-ahead", false);
            }
            if (System.nanoTime() > stopBy) {
                relay.abandon();
                return new BuildOutcome(143, null, List.of(), "the build container did not stop within "
                        + STOP_GRACE.toSeconds() + " s of the termination", true);
            }
            Thread.sleep(POLL_MILLIS);
        }
        relay.awaitEnd(END_GRACE);
        String[] ended = awaitExit(exit);
        if (ended == null) {
            return new BuildOutcome(runner.terminated() ? 143 : 1, null, List.of(), "the build container stopped without"
                    + " leaving its exit code (killed, or out of memory?) during its " + relay.step() + " step"
                    + (relay.lastLine().isEmpty() ? "" : "; its last line: " + relay.lastLine()), runner.terminated());
        }
        String step = ended[0];
        int code = Integer.parseInt(ended[1]);
        if (code != 0) {
            String error = switch (step) {
                case "build" -> relay.lastLine();
                default -> step + " failed (exit code " + code + ")" + (relay.lastLine().isEmpty() ? "" : ": " + relay.lastLine());
            };
            return new BuildOutcome(code, null, List.of(), error, runner.terminated());
        }
        List<ImageReference> pushed = request.task().kaniko().noPush() ? List.of() : request.task().destinations();
        String digest = pushed.isEmpty() ? null : DigestFile.read(request.digestFile());
        return new BuildOutcome(0, digest, pushed, null, false);
    }

    /** The exit file's {@code STEP CODE}, or null when the build container left none. */
    private static String[] awaitExit(Path exit) throws IOException, InterruptedException {
        long by = System.nanoTime() + END_GRACE.toNanos();
        while (!Files.exists(exit) && System.nanoTime() < by) {
            Thread.sleep(POLL_MILLIS);
        }
        if (!Files.exists(exit)) {
            return null;
        }
        String[] ended = Files.readString(exit).strip().split(" ");
        if (ended.length != 2 || !ended[1].matches("\\d{1,3}")) {
            throw new IOException("the build container left an exit file that is not \"STEP CODE\": " + String.join(" ", ended));
        }
        return ended;
    }

    /**
     * The build's environment and the executor's arguments as the build container's shell reads them,
     * each value single-quoted (so nothing in it is ever expanded), and the scripts as files of their own.
     */
    private void writePlan(BuildRequest request) throws IOException {
        BuildTask task = request.task();
        StringBuilder plan = new StringBuilder();
        for (Map.Entry<String, String> variable : new TreeMap<>(task.env()).entrySet()) {
            if (!VARIABLE.matcher(variable.getKey()).matches() || variable.getKey().startsWith("bakery_")) {
                throw new IOException("env " + variable.getKey() + " of task " + task.id() + " is not a variable name"
                        + " the build container takes (letters, digits and _, not starting with a digit or bakery_)");
            }
            plan.append("export ").append(variable.getKey()).append('=').append(quoted(variable.getValue())).append('\n');
        }
        // The logins the agent wrote, not the image's /kaniko/.docker.
        plan.append("export DOCKER_CONFIG=").append(quoted(dockerConfig.toString())).append('\n');
        plan.append("bakery_workspace=").append(quoted(request.workspace().toString())).append('\n');
        plan.append("bakery_secrets=").append(quoted(secrets.toString())).append('\n');
        plan.append("set --");
        for (String argument : arguments(request)) {
            plan.append(" \\\n  ").append(quoted(argument));
        }
        plan.append('\n');
        write(shared.resolve(BuildContainer.PLAN), plan.toString());
        script(BuildContainer.PRE_SCRIPT, task.preScript());
        script(BuildContainer.POST_SCRIPT, task.postScript());
        Files.deleteIfExists(shared.resolve(BuildContainer.STOP));
    }

    private void script(String name, String text) throws IOException {
        Path file = shared.resolve(name);
        Files.deleteIfExists(file);
        if (text != null) {
            write(file, text.endsWith("\n") ? text : text + "\n");
        }
    }

    /** Readable by root only: the plan may carry the build's own environment values. */
    private static void write(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text);
    }

    static String quoted(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    private static void mkfifo(Path fifo) throws IOException, InterruptedException {
        Process mkfifo = new ProcessBuilder("mkfifo", "-m", "600", fifo.toString()).redirectErrorStream(true).start();
        String output = new String(mkfifo.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (mkfifo.waitFor() != 0) {
            throw new IOException("cannot create the output FIFO " + fifo + ": " + output);
        }
    }

    /**
     * Reads the build container's output from the FIFO and logs each line as the agent's own, masked,
     * under the step the build container announced. Opening the FIFO waits for its writer, so
     * {@link #connected()} says whether the build container started.
     */
    private final class Relay extends Thread {
        private final Path fifo;
        private volatile boolean connected;
        private volatile boolean ended;
        private volatile String step = "setup";
        private volatile String lastLine = "";

        Relay(Path fifo) {
            super("build-output");
            setDaemon(true);
            this.fifo = fifo;
        }

        @Override
        public void run() {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(new FileInputStream(fifo.toFile()),
                    StandardCharsets.UTF_8))) {
                connected = true;
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.startsWith(BuildContainer.STEP_MARKER)) {
                        step = line.substring(BuildContainer.STEP_MARKER.length()).strip();
                    } else if (!line.isBlank()) {
                        log.line(step, "info", line);
                        lastLine = log.masked(line); // it becomes the result's error, stored and shown
                    }
                }
            } catch (IOException e) {
                log.warn(step, "lost the build container's output: " + e.getMessage());
            } finally {
                ended = true;
            }
        }

        boolean connected() {
            return connected;
        }

        boolean ended() {
            return ended;
        }

        String step() {
            return step;
        }

        String lastLine() {
            return lastLine;
        }

        void awaitEnd(Duration grace) throws InterruptedException {
            join(grace.toMillis());
        }

        /** Releases a reader still waiting for a writer, by being that writer for a moment. */
        void abandon() throws IOException {
            if (!connected && !ended) {
                new FileOutputStream(fifo.toFile()).close();
            }
        }
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
