package dev.bakery.cli.output;

import dev.bakery.cli.api.UploadProgress;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/** The upload's bytes and rate on one terminal line, redrawn at most five times a second. */
public final class ProgressBar implements UploadProgress {

    private final PrintStream out;
    private final AtomicLong sent = new AtomicLong();
    private volatile long total;
    private volatile long startedAt;
    private volatile long drawnAt;

    public ProgressBar(PrintStream out) {
        this.out = out;
    }

    @Override
    public void started(long bytes) {
        total = bytes;
        startedAt = System.nanoTime();
    }

    @Override
    public void advanced(long bytes) {
        long now = sent.addAndGet(bytes);
        long t = System.nanoTime();
        if (t - drawnAt > 200_000_000L) {
            drawnAt = t;
            draw(now, t);
        }
    }

    @Override
    public void finished() {
        draw(sent.get(), System.nanoTime());
        synchronized (out) {
            out.println();
        }
    }

    private void draw(long bytes, long now) {
        double seconds = Math.max(0.001, (now - startedAt) / 1e9);
        synchronized (out) {
            out.printf("\ruploading context: %s / %s (%s/s)   ", mib(bytes), mib(total), mib((long) (bytes / seconds)));
            out.flush();
        }
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
