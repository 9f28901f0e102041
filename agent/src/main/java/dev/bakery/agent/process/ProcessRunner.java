package dev.bakery.agent.process;

import dev.bakery.agent.log.AgentLog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs the agent's children (scripts, the builder) with their output turned into log lines, and
 * passes a termination on to the child that is running (Spot interruption, cancel): the JVM gets
 * SIGTERM, its shutdown hook calls {@link #terminate}, the child gets SIGTERM too.
 */
public final class ProcessRunner {

    /** How long a terminated child may take to stop before it is killed; the agent must be gone within 10 s. */
    private static final long GRACE_SECONDS = 7;
    private static final long PIPE_DRAIN_MILLIS = 2000;
    /**
     * All a child keeps of the agent's environment (besides {@code LC_*} and buildah's {@code CONTAINERS_*}),
     * as the build container's {@code env -i}: never the agent's credentials or control-plane settings
     * ({@code AWS_*}, {@code BAKERY_*}), nor anything else of whoever started it; the task's own env is added.
     */
    private static final Set<String> INHERITED = Set.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "TZ", "TMPDIR", "TERM",
            "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy");

    private final AgentLog log;
    private Process current;
    private volatile boolean terminated;

    public ProcessRunner(AgentLog log) {
        this.log = log;
    }

    /** Runs to completion and returns the exit code; the last error-looking output line is kept for the result. */
    public Outcome run(List<String> command, Path directory, Map<String, String> environment, String step)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        builder.environment().keySet().removeIf(name -> !INHERITED.contains(name) && !name.startsWith("LC_")
                && !name.startsWith("CONTAINERS_"));
        builder.environment().putAll(environment);
        Process process;
        synchronized (this) {
            if (terminated) {
                return new Outcome(143, "terminated before " + step + " started", true);
            }
            process = builder.start();
            current = process;
        }
        process.getOutputStream().close();
        LastLine last = new LastLine();
        Thread out = pump(process.getInputStream(), step, "info", last);
        Thread err = pump(process.getErrorStream(), step, "info", last);
        int exit = process.waitFor();
        // A grandchild that outlives its parent (a killed shell's sleep) may hold the pipes open.
        out.join(PIPE_DRAIN_MILLIS);
        err.join(PIPE_DRAIN_MILLIS);
        synchronized (this) {
            current = null;
        }
        return new Outcome(exit, last.text, terminated);
    }

    /** Forwards a termination to the running child, then kills it if it does not stop in time. */
    public void terminate() {
        Process process;
        synchronized (this) {
            terminated = true;
            process = current;
        }
        if (process == null) {
            return;
        }
        // SIGTERM to the whole tree: a shell defers signals while its own child runs, so only
        // signalling the shell would leave `sleep` (or a builder's workers) running.
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(GRACE_SECONDS, TimeUnit.SECONDS)) {
                kill(process);
            }
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    public boolean terminated() {
        return terminated;
    }

    private Thread pump(InputStream stream, String step, String level, LastLine last) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (!line.isBlank()) {
                        log.line(step, level, line);
                        last.text = log.masked(line); // it becomes the result's error, stored and shown
                    }
                }
            } catch (IOException e) {
                log.warn(step, "lost output of " + step + ": " + e.getMessage());
            }
        }, step + "-output");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** The last line a child printed: usually the error that ended it. */
    private static final class LastLine {
        private volatile String text = "";
    }

    /**
     * @param exitCode    the child's exit code
     * @param lastLine    its last non-blank output line (for the result's error)
     * @param interrupted whether a termination reached it
     */
    public record Outcome(int exitCode, String lastLine, boolean interrupted) {
        public boolean succeeded() {
            return exitCode == 0 && !interrupted;
        }
    }
}
