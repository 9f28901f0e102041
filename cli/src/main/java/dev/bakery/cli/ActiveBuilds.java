package dev.bakery.cli;

import dev.bakery.cli.api.BakeryApi;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The builds this process submitted and is still following. When the process is stopped (SIGINT,
 * SIGTERM: a cancelled CI job) the shutdown hook calls {@link #cancelAll()}, so no Fargate task
 * keeps running for a job nobody waits for. {@code --detach} registers nothing, and a command that
 * ends by itself leaves what it still follows running ({@link #leave()}).
 */
public final class ActiveBuilds {

    private final PrintStream err;
    private final Map<String, BakeryApi> builds = new LinkedHashMap<>();

    public ActiveBuilds(PrintStream err) {
        this.err = err;
    }

    public synchronized void started(String buildId, BakeryApi api) {
        builds.put(buildId, api);
    }

    public synchronized void ended(String buildId) {
        builds.remove(buildId);
    }

    /**
     * The command ended on its own (an API error while following, say) with builds still running:
     * those are left running, and the user is told how to find them; only a stop cancels.
     */
    public void leave() {
        Map<String, BakeryApi> pending;
        synchronized (this) {
            pending = new LinkedHashMap<>(builds);
            builds.clear();
        }
        for (String buildId : pending.keySet()) {
            err.println("bakery: build " + buildId + " is still running: follow it with `bakery logs " + buildId
                    + " --follow`, stop it with `bakery cancel " + buildId + "`");
        }
    }

    /** Cancels every build still followed, once each; what could not be cancelled is said. */
    public void cancelAll() {
        Map<String, BakeryApi> pending;
        synchronized (this) {
            pending = new LinkedHashMap<>(builds);
            builds.clear();
        }
        for (Map.Entry<String, BakeryApi> build : pending.entrySet()) {
            try {
                String status = build.getValue().hurried().cancel(build.getKey()).status();
                err.println("bakery: interrupted: build " + build.getKey() + " " + status);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                err.println("bakery: interrupted before build " + build.getKey() + " was cancelled; cancel it with `bakery cancel "
                        + build.getKey() + "`");
                return;
            } catch (RuntimeException e) {
                err.println("bakery: could not cancel build " + build.getKey() + ": " + e.getMessage()
                        + "; cancel it with `bakery cancel " + build.getKey() + "`");
            }
        }
    }
}
