package dev.bakery.local.agents;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.local.LocalKeys;
import dev.bakery.local.logs.LogPipeline;
import dev.bakery.registry.Login;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs build tasks the way ECS runs the agent container: one {@code dev.bakery.agent.Main} process
 * per task, on the agent's own classpath and from a class-data archive ({@link AgentArchive}), with
 * buildah as its builder and its own workspace, image storage and registry config under {@code <work>/<buildId>/<taskId>/} (removed afterwards). Its
 * stdout and stderr lines go to the {@link LogPipeline}. Stopping a task is what ECS does: SIGTERM,
 * which the agent passes to buildah, then after a grace period SIGKILL to the agent and everything
 * it started.
 */
public final class AgentProcesses implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AgentProcesses.class);
    /** ECS's stopTimeout default; the agent itself gives its builder 7 s of it. */
    private static final long GRACE_SECONDS = 10;

    /**
     * @param command     the JVM and its options up to the main class, e.g. {@code java -cp <classpath>}
     * @param work        where task directories are made
     * @param environment what every agent gets besides its task's ids (table, bucket, endpoints): never a key
     * @param keys        the run's keys, which the agent reads from its stdin: its environment is readable by what it
     *                    starts ({@code /proc/PID/environ} from a RUN step), its stdin is not
     * @param registryLogins logins for registries by host (the started registry's), given on stdin too
     * @param archive     where the agents' class-data archive is kept ({@link AgentArchive}), or null for none
     */
    public record Settings(List<String> command, Path work, Map<String, String> environment, LocalKeys keys,
            Map<String, Login> registryLogins, Path archive) {
        public Settings {
            command = List.copyOf(command);
            environment = Map.copyOf(environment);
            registryLogins = Map.copyOf(registryLogins);
        }

        /**
         * This JVM's java, with the agent's own classpath: its jar and the libraries its manifest
         * names (beside it in bakery-local's lib/, or where the manifest says), absolute; this JVM's
         * whole classpath when the agent is not in a jar. Half of bakery-local's jars: fewer to open
         * and check, a faster start (LocalModeBench).
         */
        public static List<String> agentJvm() {
            // Short-lived and single-purpose: the C1 compiler and the serial collector start fastest.
            return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC", "-cp", String.join(File.pathSeparator, agentClasspath()));
        }

        private static List<String> agentClasspath() {
            try {
                Path jar = Path.of(dev.bakery.agent.Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                if (Files.isRegularFile(jar)) {
                    List<String> classpath = new ArrayList<>(List.of(jar.toAbsolutePath().toString()));
                    try (JarFile file = new JarFile(jar.toFile())) {
                        String named = file.getManifest() == null ? null
                                : file.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
                        for (String entry : named == null ? new String[0] : named.trim().split("\\s+")) {
                            Path library = jar.resolveSibling(entry);
                            Path beside = jar.resolveSibling(library.getFileName());
                            library = Files.isRegularFile(library) ? library : beside;
                            if (!Files.isRegularFile(library)) {
                                throw new IOException("the agent's library " + entry + " is missing");
                            }
                            classpath.add(library.toAbsolutePath().toString());
                        }
                    }
                    return classpath;
                }
            } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
                LOG.debug("agents run on this JVM's classpath: {}", e.getMessage());
            }
            List<String> classpath = new ArrayList<>();
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                classpath.add(Path.of(entry).toAbsolutePath().toString());
            }
            return classpath;
        }
    }

    private static final String MAIN = "dev.bakery.agent.Main";
    /** dev.bakery.agent.Main's switch to read its keys from stdin. */
    private static final String CREDENTIALS_ON_STDIN = "BAKERY_CREDENTIALS_ON_STDIN";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Settings settings;
    private final LogPipeline logs;
    private final Map<String, Set<Process>> running = new ConcurrentHashMap<>();
    private final AgentArchive archive;

    public AgentProcesses(Settings settings, LogPipeline logs) {
        this.settings = settings;
        this.logs = logs;
        archive = settings.archive() == null ? null : AgentArchive.of(settings.archive(), settings.command());
    }

    /**
     * Runs the task's agent to its end.
     *
     * @return the agent's exit code (0: the task succeeded and its result is recorded)
     * @throws InterruptedException the caller was interrupted (its execution stopped): the agent was stopped first
     */
    public int run(String buildId, String taskId) throws InterruptedException {
        Path dir = settings.work().resolve(buildId).resolve(taskId);
        AgentArchive.Start archived = archive == null ? new AgentArchive.Start(List.of(), false) : archive.next();
        Process process = start(buildId, taskId, dir, archived.options());
        Set<Process> ofBuild = running.computeIfAbsent(buildId, b -> ConcurrentHashMap.newKeySet());
        ofBuild.add(process);
        Thread out = pump(process.getInputStream(), buildId, taskId, false);
        Thread err = pump(process.getErrorStream(), buildId, taskId, true);
        try {
            int code = process.waitFor();
            out.join();
            err.join();
            return code;
        } catch (InterruptedException e) {
            stop(process);
            throw e;
        } finally {
            ofBuild.remove(process);
            running.computeIfPresent(buildId, (b, set) -> set.isEmpty() ? null : set);
            delete(dir);
            if (archived.writes()) {
                // Once it is gone (an interrupted run stopped it), its archive written or not; off the build's path.
                process.onExit().thenRun(() -> Thread.ofVirtual().start(archive::written));
            }
        }
    }

    /** Stops the build's running agents (a cancel); their {@link #run} calls return the exit codes. */
    public void cancel(String buildId) {
        Set<Process> processes = running.getOrDefault(buildId, Set.of());
        List<Thread> stopping = new ArrayList<>();
        for (Process process : List.copyOf(processes)) {
            stopping.add(Thread.ofVirtual().start(() -> stop(process)));
        }
        for (Thread thread : stopping) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** How many agents run now. */
    public int count() {
        return running.values().stream().mapToInt(Set::size).sum();
    }

    private Process start(String buildId, String taskId, Path dir, List<String> options) {
        List<String> command = new ArrayList<>(settings.command());
        command.addAll(options);
        command.add(MAIN);
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        // The user's own AWS settings must not reach an agent that talks to local emulators.
        env.keySet().removeIf(name -> name.startsWith("AWS_"));
        env.putAll(settings.environment());
        env.put("BAKERY_BUILD_ID", buildId);
        env.put("BAKERY_TASK_ID", taskId);
        env.put("BAKERY_BUILDER", "buildah");
        env.put("BAKERY_BUILDAH_ROOT", dir.resolve("buildah").toString());
        env.put("BAKERY_WORKSPACE", dir.resolve("workspace").toString());
        env.put("DOCKER_CONFIG", dir.resolve("docker").toString());
        env.put(CREDENTIALS_ON_STDIN, "1");
        try {
            Files.createDirectories(dir.resolve("docker"));
            Files.createDirectories(dir.resolve("workspace"));
            Process process = builder.start();
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(JSON.writeValueAsBytes(Map.of("accessKeyId", settings.keys().accessKeyId(),
                        "secretAccessKey", settings.keys().secretAccessKey(), "registryLogins", settings.registryLogins())));
            }
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the agent of " + buildId + "/" + taskId + ": " + e.getMessage(), e);
        }
    }

    private Thread pump(InputStream stream, String buildId, String taskId, boolean stderr) {
        return Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    logs.accept(buildId, taskId, line, stderr);
                }
            } catch (IOException e) {
                LOG.debug("output of {}/{} ended: {}", buildId, taskId, e.getMessage());
            }
        });
    }

    /**
     * SIGTERM, the grace period, then SIGKILL to whatever of the agent's process tree is left; returns
     * once they are all gone. Its children are listed first: once the agent exits they are orphans.
     */
    private static void stop(Process process) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        process.destroy();
        try {
            if (!process.waitFor(GRACE_SECONDS, TimeUnit.SECONDS)) {
                tree.addAll(process.descendants().toList());
                tree.add(process.toHandle());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tree.add(process.toHandle());
        }
        for (ProcessHandle handle : tree) {
            handle.destroyForcibly();
        }
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.warn("process {} did not end after SIGKILL", handle.pid());
            }
        }
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
            Files.deleteIfExists(dir.getParent()); // the build's directory, once its last task is done
        } catch (java.nio.file.DirectoryNotEmptyException otherTasks) {
            // another task of the build still runs
        } catch (IOException e) {
            LOG.warn("cannot remove the task directory {}: {}", dir, e.getMessage());
        }
    }

    /** Stops every running agent. */
    @Override
    public void close() {
        running.keySet().forEach(this::cancel);
    }
}
