package dev.bakery.cli.output;

import dev.bakery.cli.api.UploadProgress;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The upload's progress for a CI log: one whole line every interval (bytes, percent, rate), never a
 * carriage return, and one line at the end. Printed on a timer, so a stalled upload still says so.
 */
public final class ProgressLines implements UploadProgress {

    /** {@code BAKERY_PROGRESS_INTERVAL}: seconds between lines (default 5; 0 turns them off). */
    public static final String INTERVAL_VARIABLE = "BAKERY_PROGRESS_INTERVAL";

    private final PrintStream out;
    private final Duration interval;
    private final AtomicLong sent = new AtomicLong();
    private volatile long total;
    private volatile long startedAt;
    private ScheduledExecutorService timer;

    public ProgressLines(PrintStream out, Duration interval) {
        this.out = out;
        this.interval = interval;
    }

    /** The interval the environment asks for. */
    public static Duration interval(Map<String, String> env) {
        String text = env.getOrDefault(INTERVAL_VARIABLE, "5").strip();
        try {
            double seconds = Double.parseDouble(text);
            if (seconds >= 0 && seconds <= 3600) {
                return Duration.ofMillis((long) (seconds * 1000));
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(INTERVAL_VARIABLE + "=" + text + " is not a number of seconds between 0 and 3600");
    }

    @Override
    public synchronized void started(long bytes) {
        total = bytes;
        startedAt = System.nanoTime();
        if (!interval.isZero()) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("bakery-progress").unstarted(r));
            timer.scheduleAtFixedRate(this::line, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void advanced(long bytes) {
        sent.addAndGet(bytes);
    }

    @Override
    public synchronized void finished() {
        if (timer != null) {
            timer.shutdownNow();
        }
        long bytes = sent.get();
        double seconds = seconds();
        print(String.format(Locale.ROOT, "uploaded context: %s in %.1f s (%s/s)", mib(bytes), seconds, mib((long) (bytes / seconds))));
    }

    private void line() {
        long bytes = sent.get();
        print(String.format(Locale.ROOT, "uploading context: %s of %s (%d%%), %s/s", mib(bytes), mib(total),
                total == 0 ? 100 : bytes * 100 / total, mib((long) (bytes / seconds()))));
    }

    private double seconds() {
        return Math.max(0.001, (System.nanoTime() - startedAt) / 1e9);
    }

    private void print(String text) {
        synchronized (out) {
            out.println(text);
            out.flush();
        }
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
