package dev.bakery.cli.output;

import dev.bakery.cli.follow.FollowListener;
import dev.bakery.core.live.LiveMessage;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * While a build says nothing (queued, a Fargate task starting), one line every interval saying what
 * it waits for and since when, so a CI log never looks hung; passes everything on to the renderer.
 */
public final class WaitingLines implements FollowListener, AutoCloseable {

    private final FollowListener delegate;
    private final PrintStream out;
    private final String buildId;
    private final long startedAt = System.nanoTime();
    private final Map<String, String> tasks = new LinkedHashMap<>();
    private final ScheduledExecutorService timer;
    private volatile long lastHeard = System.nanoTime();
    private volatile String status = "SUBMITTED";

    public WaitingLines(FollowListener delegate, PrintStream out, String buildId, Duration interval) {
        this.delegate = delegate;
        this.out = out;
        this.buildId = buildId;
        if (interval.isZero()) {
            timer = null;
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("bakery-waiting").unstarted(r));
        long millis = interval.toMillis();
        timer.scheduleAtFixedRate(() -> {
            if (System.nanoTime() - lastHeard >= millis * 1_000_000L) {
                line();
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void line(LiveMessage.Line line) {
        lastHeard = System.nanoTime();
        delegate.line(line);
    }

    @Override
    public void status(LiveMessage.Status update) {
        lastHeard = System.nanoTime();
        synchronized (tasks) {
            if (update.taskId() == null) {
                status = update.status();
            } else {
                tasks.put(update.taskId(), update.status());
            }
        }
        delegate.status(update);
    }

    @Override
    public void notice(String text) {
        delegate.notice(text);
    }

    private void line() {
        String detail;
        synchronized (tasks) {
            detail = tasks.isEmpty() ? "" : " (" + tasks.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining(", ")) + ")";
        }
        long seconds = (System.nanoTime() - startedAt) / 1_000_000_000L;
        synchronized (out) {
            out.println("waiting: " + buildId + " " + status + detail + ", " + seconds + " s since submitted");
            out.flush();
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
