package dev.bakery.agent.log;

import dev.bakery.core.log.AgentLine;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

/**
 * The agent's only output: one {@link AgentLine} per line,
 * which CloudWatch Logs (and the local mode) forward as they are. Every message is masked first.
 * Thread-safe: the builder's stdout and stderr are pumped by two threads.
 */
public final class AgentLog {

    private final PrintStream out;
    private final Clock clock;
    private final String buildId;
    private final String taskId;
    private final String arch;
    private volatile SecretMask mask = SecretMask.none();

    public AgentLog(PrintStream out, Clock clock, String buildId, String taskId, String arch) {
        this.out = out;
        this.clock = clock;
        this.buildId = buildId;
        this.taskId = taskId;
        this.arch = arch;
    }

    /** Adds secret values to mask from now on. */
    public void mask(Collection<String> secrets) {
        mask = mask.with(secrets);
    }

    /** The text with every secret known so far masked: for what leaves the agent other than log lines (the result's error). */
    public String masked(String text) {
        return mask.apply(text);
    }

    public void info(String step, String msg) {
        line(step, "info", msg);
    }

    public void warn(String step, String msg) {
        line(step, "warn", msg);
    }

    public void error(String step, String msg) {
        line(step, "error", msg);
    }

    public void line(String step, String level, String msg) {
        String text = new AgentLine(clock.instant().toString(), buildId, taskId, arch, step, level, mask.apply(msg)).toJson();
        synchronized (out) {
            out.println(text);
            out.flush();
        }
    }

    /** Logs the start of a step now, and its end with the duration when closed. */
    public Step step(String name) {
        info(name, name + " started");
        return new Step(name, clock.instant());
    }

    /** A running step; {@link #close()} logs it finished, {@link #failed} logs it failed. */
    public final class Step implements AutoCloseable {
        private final String name;
        private final Instant started;
        private boolean ended;

        private Step(String name, Instant started) {
            this.name = name;
            this.started = started;
        }

        public void failed(String why) {
            ended = true;
            error(name, name + " failed after " + seconds() + ": " + why);
        }

        @Override
        public void close() {
            if (!ended) {
                ended = true;
                info(name, name + " finished in " + seconds());
            }
        }

        private String seconds() {
            return String.format(java.util.Locale.ROOT, "%.1fs", Duration.between(started, clock.instant()).toMillis() / 1000.0);
        }
    }
}
