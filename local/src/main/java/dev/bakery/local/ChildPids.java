package dev.bakery.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code <data-dir>/children.pids}: every process bakery-local started, directly or not (registry,
 * dynalite, the state machine's runner, agents and their buildah), one {@code pid start-millis}
 * line each, so that a run started after this one died, even by {@code kill -9}, can end what it
 * left behind ({@link #killLeftovers}). The start time tells a leftover from an unrelated process
 * that reuses its pid. Descendants are looked for every {@value #PERIOD_MILLIS} ms.
 */
final class ChildPids implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChildPids.class);
    static final String NAME = "children.pids";
    private static final long PERIOD_MILLIS = 100;
    private static final Duration GRACE = Duration.ofSeconds(5);

    private final Path file;
    private final Set<Long> recorded = new HashSet<>();
    private final Thread thread;

    private ChildPids(Path file) {
        this.file = file;
        this.thread = Thread.ofPlatform().name("bakery-children").daemon().start(this::run);
    }

    /** Starts recording this process's descendants in a fresh file. */
    static ChildPids watch(Path dataDir) {
        Path file = dataDir.resolve(NAME);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reset " + file, e);
        }
        return new ChildPids(file);
    }

    /**
     * Ends the processes a previous run recorded that still live (each with its own descendants):
     * SIGTERM, then SIGKILL after {@link #GRACE}.
     *
     * @return how many there were
     */
    static int killLeftovers(Path dataDir) {
        Path file = dataDir.resolve(NAME);
        if (!Files.exists(file)) {
            return 0;
        }
        List<ProcessHandle> leftovers;
        try {
            leftovers = Files.readAllLines(file).stream().map(ChildPids::live).flatMap(Optional::stream).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        for (ProcessHandle process : leftovers) {
            LOG.info("ending pid {} ({}), left by the previous run on {}", process.pid(),
                    process.info().command().orElse("?"), dataDir);
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
        for (ProcessHandle process : leftovers) {
            try {
                process.onExit().get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception notYet) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
        for (ProcessHandle process : leftovers) {
            process.onExit().join();
        }
        return leftovers.size();
    }

    /** The process a line names, if it still runs and started when recorded. */
    private static Optional<ProcessHandle> live(String line) {
        String[] fields = line.strip().split(" ");
        if (fields.length != 2) {
            return Optional.empty();
        }
        long started = Long.parseLong(fields[1]);
        return ProcessHandle.of(Long.parseLong(fields[0])).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().startInstant().map(Instant::toEpochMilli).orElse(-1L) == started);
    }

    private void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                record();
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("cannot record child processes in {}: {}", file, e.toString());
            }
        }
    }

    private void record() {
        StringBuilder lines = new StringBuilder();
        ProcessHandle.current().descendants().forEach(process -> {
            Optional<Instant> started = process.info().startInstant();
            if (started.isPresent() && recorded.add(process.pid())) {
                lines.append(process.pid()).append(' ').append(started.get().toEpochMilli()).append('\n');
            }
        });
        if (!lines.isEmpty()) {
            try {
                Files.writeString(file, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Stops recording; the file goes: a run that stopped properly left nothing behind. */
    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(5000);
            Files.deleteIfExists(file);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", file, e.toString());
        }
    }
}
